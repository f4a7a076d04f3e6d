package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** A PDU whose opcode this target does not support: answered with a Reject (RFC 7143 11.17.1). */
public final class UnsupportedPdu extends InboundPdu {
    UnsupportedPdu(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onUnsupported(this);
    }
}
