package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Logout Request (RFC 7143 11.14). */
public final class LogoutRequest extends InboundPdu {
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    LogoutRequest(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public int reasonCode() {
        return bhs[1] & 0x7f;
    }

    public int cid() {
        return int16(20);
    }

    public int cmdSn() {
        return int32(24);
    }

    public int expStatSn() {
        return int32(28);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onLogoutRequest(this);
    }
}
