package io.cairn.iscsi.conn;

import io.cairn.iscsi.pdu.DataIn;
import io.cairn.iscsi.pdu.ScsiResponsePdu;
import io.cairn.iscsi.session.ScsiTask;
import io.cairn.scsi.ScsiResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Turns a SCSI result into Data-In PDUs and status (RFC 7143 11.4, 11.7): data split at the
 * initiator's MaxRecvDataSegmentLength, sequences at MaxBurstLength, status carried in the last
 * Data-In when it is GOOD (11.7.3), residual counts against the expected data transfer length
 * (11.4.5). Data-In payloads are slices of the SCSI core's buffer: nothing is copied.
 */
final class ResponseWriter {

    private final IscsiConnection connection;

    ResponseWriter(IscsiConnection connection) {
        this.connection = connection;
    }

    /** Answers a completed task. Takes ownership of {@code result.dataIn()}. */
    void respond(ScsiTask task, ScsiResult result) {
        ByteBuf dataIn = result.dataIn();
        try {
            int edtl = task.expectedLength;
            // What the command would move: read data produced, or the CDB's Data-Out length.
            long intended;
            if (dataIn != null) {
                intended = dataIn.readableBytes();
            } else if (task.write) {
                intended = result.commandBytes();
            } else {
                intended = task.read ? 0 : result.commandBytes();
            }
            boolean good = result.status() == ScsiResult.GOOD;
            int toSend = task.read && dataIn != null ? (int) Math.min(intended, edtl) : 0;
            boolean overflow = intended > edtl;
            boolean underflow = intended < edtl;
            int residual = (int) Math.min(Math.abs(intended - edtl), 0xffffffffL);
            if (!good && toSend == 0 && !task.write) {
                // No data moved for a failed command: report the whole transfer as not done.
                overflow = false;
                underflow = edtl > 0;
                residual = edtl;
            }
            boolean statusInData = toSend > 0 && result.sense() == null;
            if (toSend > 0) {
                sendDataIn(task, dataIn, toSend, statusInData, result.status(), overflow, underflow, residual);
            }
            if (!statusInData) {
                ByteBuf sense = senseSegment(result.sense());
                connection.sendDeferred(new ScsiResponsePdu(task.itt, ScsiResponsePdu.COMMAND_COMPLETED,
                        result.status(), overflow, underflow, (overflow || underflow) ? residual : 0,
                        expDataSn(task), connection.sequence(true), sense));
            }
            connection.flush();
        } finally {
            if (dataIn != null) {
                dataIn.release();
            }
        }
    }

    /** The SCSI core failed unexpectedly: iSCSI response "target failure" (RFC 7143 11.4.3). */
    void targetFailure(ScsiTask task) {
        connection.send(new ScsiResponsePdu(task.itt, ScsiResponsePdu.TARGET_FAILURE, 0, false, false, 0,
                expDataSn(task), connection.sequence(true), null));
    }

    private void sendDataIn(ScsiTask task, ByteBuf data, int length, boolean withStatus, int status,
                            boolean overflow, boolean underflow, int residual) {
        int segment = connection.params().initiatorMaxRecvDataSegmentLength();
        int burst = connection.params().maxBurstLength();
        int offset = 0;
        int inBurst = 0;
        int base = data.readerIndex();
        while (offset < length) {
            int n = Math.min(segment, Math.min(length - offset, burst - inBurst));
            boolean last = offset + n == length;
            inBurst += n;
            boolean endOfSequence = last || inBurst == burst;
            if (inBurst == burst) {
                inBurst = 0;
            }
            boolean status_ = last && withStatus;
            ByteBuf slice = data.retainedSlice(base + offset, n);
            connection.sendDeferred(new DataIn(task.lun, task.itt, endOfSequence, status_, status,
                    overflow, underflow, (overflow || underflow) ? residual : 0,
                    task.nextDataSn(), offset, connection.sequence(status_), slice));
            offset += n;
        }
    }

    private static int expDataSn(ScsiTask task) {
        return task.expDataSn();
    }

    /** SenseLength + sense data (RFC 7143 11.4.7). */
    private static ByteBuf senseSegment(byte[] sense) {
        if (sense == null || sense.length == 0) {
            return null;
        }
        ByteBuf buf = Unpooled.buffer(2 + sense.length);
        buf.writeShort(sense.length);
        buf.writeBytes(sense);
        return buf;
    }
}
