package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SCSI Data-Out (RFC 7143 11.7). */
public final class DataOut extends InboundPdu {
    DataOut(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public long lun() {
        return int64(8);
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public int expStatSn() {
        return int32(28);
    }

    public int dataSn() {
        return int32(36);
    }

    public int bufferOffset() {
        return int32(40);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onDataOut(this);
    }
}
