package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#lbaStatus}. Fields: sub-unit, epoch, lba, max extents. */
public record LbaStatusRequest(SubUnitId id, long epoch, long lba, int maxExtents) implements Request {

    @Override
    public MessageType type() {
        return MessageType.LBA_STATUS;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba).writeInt(maxExtents);
    }

    static LbaStatusRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new LbaStatusRequest(BlockProtocol.readSubUnit(fields), fields.readLong(), fields.readLong(),
                fields.readInt());
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.lbaStatus(id, epoch, lba, maxExtents).thenApply(ExtentsResponse::new);
    }
}
