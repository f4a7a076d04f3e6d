package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-Out (RFC 7143 11.18): a ping from the initiator, or its answer to our NOP-In. */
public final class NopOut extends InboundPdu {
    NopOut(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public long lun() {
        return int64(8);
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
        visitor.onNopOut(this);
    }
}
