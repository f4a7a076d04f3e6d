package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#unmap}. Fields: sub-unit, epoch, lba, blocks. */
public record UnmapRequest(SubUnitId id, long epoch, long lba, long blocks) implements Request {

    @Override
    public MessageType type() {
        return MessageType.UNMAP;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba).writeLong(blocks);
    }

    static UnmapRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new UnmapRequest(BlockProtocol.readSubUnit(fields), fields.readLong(), fields.readLong(), fields.readLong());
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.unmap(id, epoch, lba, blocks).thenApply(v -> DoneResponse.INSTANCE);
    }
}
