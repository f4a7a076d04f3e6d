package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * SCSI Response (RFC 7143 11.4). The data segment, when present, is SenseLength (2 bytes) followed by
 * the sense data (11.4.7).
 */
public final class ScsiResponsePdu extends OutboundPdu {
    /** iSCSI response codes (11.4.3). */
    public static final int COMMAND_COMPLETED = 0x00;
    public static final int TARGET_FAILURE = 0x01;

    private final int itt;
    private final int response;
    private final int status;
    private final boolean overflow;
    private final boolean underflow;
    private final int residualCount;
    private final int expDataSn;
    private final Sequence seq;

    /** Takes ownership of {@code senseSegment}. */
    public ScsiResponsePdu(int itt, int response, int status, boolean overflow, boolean underflow,
                           int residualCount, int expDataSn, Sequence seq, ByteBuf senseSegment) {
        super(senseSegment);
        this.itt = itt;
        this.response = response;
        this.status = status;
        this.overflow = overflow;
        this.underflow = underflow;
        this.residualCount = residualCount;
        this.expDataSn = expDataSn;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.SCSI_RESPONSE);
        out.setByte(start + 1, 0x80 | (overflow ? 0x04 : 0) | (underflow ? 0x02 : 0));
        out.setByte(start + 2, response);
        out.setByte(start + 3, status);
        out.setInt(start + 16, itt);
        out.setInt(start + 20, 0); // SNACK Tag
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
        out.setInt(start + 36, expDataSn);
        out.setInt(start + 44, residualCount);
    }
}
