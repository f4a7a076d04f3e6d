package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Request (RFC 7143 11.10). */
public final class TextRequest extends InboundPdu {
    TextRequest(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public boolean continueBit() {
        return (bhs[1] & 0x40) != 0;
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public int cmdSn() {
        return int32(24);
    }

    public int expStatSn() {
        return int32(28);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onTextRequest(this);
    }
}
