package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#verify}. Fields: sub-unit. */
public record VerifyRequest(SubUnitId id) implements Request {

    @Override
    public MessageType type() {
        return MessageType.VERIFY;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
    }

    static VerifyRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new VerifyRequest(BlockProtocol.readSubUnit(fields));
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.verify(id).thenApply(VerificationResponse::new);
    }
}
