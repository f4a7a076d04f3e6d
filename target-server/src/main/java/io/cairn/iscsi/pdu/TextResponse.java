package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Response (RFC 7143 11.11). */
public final class TextResponse extends OutboundPdu {
    private final boolean finalBit;
    private final boolean continueBit;
    private final long lun;
    private final int itt;
    private final int ttt;
    private final Sequence seq;

    /** Takes ownership of {@code keys}. */
    public TextResponse(boolean finalBit, boolean continueBit, long lun, int itt, int ttt, Sequence seq, ByteBuf keys) {
        super(keys);
        this.finalBit = finalBit;
        this.continueBit = continueBit;
        this.lun = lun;
        this.itt = itt;
        this.ttt = ttt;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.TEXT_RESPONSE);
        out.setByte(start + 1, (finalBit ? 0x80 : 0) | (continueBit ? 0x40 : 0));
        out.setLong(start + 8, lun);
        out.setInt(start + 16, itt);
        out.setInt(start + 20, ttt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
    }
}
