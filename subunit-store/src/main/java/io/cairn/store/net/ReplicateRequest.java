package io.cairn.store.net;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicaService#replicate}. Fields: sub-unit, epoch, first, count, version epoch and id;
 * flags FUA, DEALLOCATED (then {@code data} is null and no data travels); data: the replication
 * blocks, zero-copy. Owns {@code data}.
 */
public record ReplicateRequest(SubUnitId id, long epoch, int first, int count, ByteBuf data, BlockVersion version,
                               boolean fua) implements Request {

    @Override
    public MessageType type() {
        return MessageType.REPLICATE;
    }

    @Override
    public int flags() {
        return BlockProtocol.flag(fua, BlockProtocol.FLAG_FUA)
                | BlockProtocol.flag(data == null, BlockProtocol.FLAG_DEALLOCATED);
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeInt(first).writeInt(count).writeLong(version.epoch()).writeLong(version.id());
    }

    @Override
    public ByteBuf payload() {
        return data;
    }

    static ReplicateRequest read(int flags, ByteBuf fields, ByteBuf data) {
        SubUnitId id = BlockProtocol.readSubUnit(fields);
        long epoch = fields.readLong();
        int first = fields.readInt();
        int count = fields.readInt();
        BlockVersion version = new BlockVersion(fields.readLong(), fields.readLong());
        boolean deallocated = (flags & BlockProtocol.FLAG_DEALLOCATED) != 0;
        BlockProtocol.check(!deallocated || !data.isReadable(), "deallocated blocks with data");
        return new ReplicateRequest(id, epoch, first, count, deallocated ? null : data.retain(), version,
                (flags & BlockProtocol.FLAG_FUA) != 0);
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.replicate(id, epoch, first, count, data, version, fua).thenApply(v -> DoneResponse.INSTANCE);
    }
}
