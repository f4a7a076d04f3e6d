package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#versions}. Fields: sub-unit, epoch. */
public record VersionsRequest(SubUnitId id, long epoch) implements Request {

    @Override
    public MessageType type() {
        return MessageType.VERSIONS;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch);
    }

    static VersionsRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new VersionsRequest(BlockProtocol.readSubUnit(fields), fields.readLong());
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.versions(id, epoch).thenApply(VersionsResponse::new);
    }
}
