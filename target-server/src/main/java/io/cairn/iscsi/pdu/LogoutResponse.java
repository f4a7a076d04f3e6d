package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Logout Response (RFC 7143 11.15). */
public final class LogoutResponse extends OutboundPdu {
    public static final int CLOSED_SUCCESSFULLY = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    private final int itt;
    private final int response;
    private final Sequence seq;

    public LogoutResponse(int itt, int response, Sequence seq) {
        super(null);
        this.itt = itt;
        this.response = response;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.LOGOUT_RESPONSE);
        out.setByte(start + 1, 0x80);
        out.setByte(start + 2, response);
        out.setInt(start + 16, itt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
        out.setShort(start + 40, 2);  // Time2Wait (RFC 7143 11.15.2)
        out.setShort(start + 42, 20); // Time2Retain
    }
}
