package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Ready To Transfer (RFC 7143 11.8). StatSN is not advanced by an R2T. */
public final class R2t extends OutboundPdu {
    private final long lun;
    private final int itt;
    private final int ttt;
    private final int r2tSn;
    private final int bufferOffset;
    private final int desiredLength;
    private final Sequence seq;

    public R2t(long lun, int itt, int ttt, int r2tSn, int bufferOffset, int desiredLength, Sequence seq) {
        super(null);
        this.lun = lun;
        this.itt = itt;
        this.ttt = ttt;
        this.r2tSn = r2tSn;
        this.bufferOffset = bufferOffset;
        this.desiredLength = desiredLength;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.R2T);
        out.setByte(start + 1, 0x80);
        out.setLong(start + 8, lun);
        out.setInt(start + 16, itt);
        out.setInt(start + 20, ttt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
        out.setInt(start + 36, r2tSn);
        out.setInt(start + 40, bufferOffset);
        out.setInt(start + 44, desiredLength);
    }
}
