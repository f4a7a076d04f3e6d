package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/**
 * SCSI Data-In (RFC 7143 11.7). With the S bit it also carries the command's status (11.7.3),
 * and then StatSN is valid.
 */
public final class DataIn extends OutboundPdu {
    private final long lun;
    private final int itt;
    private final boolean finalBit;
    private final boolean statusBit;
    private final int status;
    private final boolean overflow;
    private final boolean underflow;
    private final int residualCount;
    private final int dataSn;
    private final int bufferOffset;
    private final Sequence seq;

    /** Takes ownership of {@code data}. */
    public DataIn(long lun, int itt, boolean finalBit, boolean statusBit, int status,
                  boolean overflow, boolean underflow, int residualCount,
                  int dataSn, int bufferOffset, Sequence seq, ByteBuf data) {
        super(data);
        this.lun = lun;
        this.itt = itt;
        this.finalBit = finalBit;
        this.statusBit = statusBit;
        this.status = status;
        this.overflow = overflow;
        this.underflow = underflow;
        this.residualCount = residualCount;
        this.dataSn = dataSn;
        this.bufferOffset = bufferOffset;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.DATA_IN);
        int flags = (finalBit ? 0x80 : 0);
        if (statusBit) {
            flags |= 0x01 | (overflow ? 0x04 : 0) | (underflow ? 0x02 : 0);
            out.setByte(start + 3, status);
        }
        out.setByte(start + 1, flags);
        out.setLong(start + 8, lun);
        out.setInt(start + 16, itt);
        out.setInt(start + 20, Opcode.RESERVED_TAG);
        out.setInt(start + 24, statusBit ? seq.statSn() : 0);
        out.setInt(start + 28, seq.expCmdSn());
        out.setInt(start + 32, seq.maxCmdSn());
        out.setInt(start + 36, dataSn);
        out.setInt(start + 40, bufferOffset);
        out.setInt(start + 44, statusBit ? residualCount : 0);
    }
}
