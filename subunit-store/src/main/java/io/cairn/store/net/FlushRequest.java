package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#flush}. Fields: sub-unit, epoch. */
public record FlushRequest(SubUnitId id, long epoch) implements Request {

    @Override
    public MessageType type() {
        return MessageType.FLUSH;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch);
    }

    static FlushRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new FlushRequest(BlockProtocol.readSubUnit(fields), fields.readLong());
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.flush(id, epoch).thenApply(v -> DoneResponse.INSTANCE);
    }
}
