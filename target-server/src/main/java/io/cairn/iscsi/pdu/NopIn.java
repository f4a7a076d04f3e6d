package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-In (RFC 7143 11.19): an answer to a NOP-Out, or a ping of our own (ITT reserved, TTT set). */
public final class NopIn extends OutboundPdu {
    private final long lun;
    private final int itt;
    private final int ttt;
    private final Sequence seq;

    /** Takes ownership of {@code data} (the echoed ping data). */
    public NopIn(long lun, int itt, int ttt, Sequence seq, ByteBuf data) {
        super(data);
        this.lun = lun;
        this.itt = itt;
        this.ttt = ttt;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.NOP_IN);
        out.setByte(start + 1, 0x80);
        out.setLong(start + 8, lun);
        out.setInt(start + 16, itt);
        out.setInt(start + 20, ttt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
    }
}
