package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicaService#write}. Fields: sub-unit, epoch, lba; flag FUA; data: the blocks, zero-copy.
 * Owns {@code data} (see {@link Message#payload()}).
 */
public record WriteRequest(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) implements Request {

    @Override
    public MessageType type() {
        return MessageType.WRITE;
    }

    @Override
    public int flags() {
        return BlockProtocol.flag(fua, BlockProtocol.FLAG_FUA);
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba);
    }

    @Override
    public ByteBuf payload() {
        return data;
    }

    static WriteRequest read(int flags, ByteBuf fields, ByteBuf data) {
        SubUnitId id = BlockProtocol.readSubUnit(fields);
        long epoch = fields.readLong();
        long lba = fields.readLong();
        return new WriteRequest(id, epoch, lba, data.retain(), (flags & BlockProtocol.FLAG_FUA) != 0);
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.write(id, epoch, lba, data, fua).thenApply(v -> DoneResponse.INSTANCE);
    }
}
