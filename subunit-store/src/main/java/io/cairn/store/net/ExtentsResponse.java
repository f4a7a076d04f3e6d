package io.cairn.store.net;

import io.cairn.block.LbaExtent;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** An lbaStatus result. Fields: extent count; data: per extent lba (long), blocks (long), mapped (byte). */
public record ExtentsResponse(List<LbaExtent> extents) implements Message {
    private static final int EXTENT_BYTES = 17;

    public ExtentsResponse {
        extents = List.copyOf(extents);
    }

    @Override
    public MessageType type() {
        return MessageType.EXTENTS;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeInt(extents.size());
    }

    @Override
    public void writeData(ByteBuf out) {
        for (LbaExtent e : extents) {
            out.writeLong(e.lba()).writeLong(e.blocks()).writeBoolean(e.mapped());
        }
    }

    static ExtentsResponse read(int flags, ByteBuf fields, ByteBuf data) {
        int count = fields.readInt();
        BlockProtocol.check(count >= 0 && (long) count * EXTENT_BYTES == data.readableBytes(),
                "extent count does not match the data length");
        List<LbaExtent> extents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            extents.add(new LbaExtent(data.readLong(), data.readLong(), data.readBoolean()));
        }
        return new ExtentsResponse(extents);
    }
}
