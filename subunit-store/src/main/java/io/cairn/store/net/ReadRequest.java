package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** {@link ReplicaService#read}. Fields: sub-unit, epoch, lba, blocks. */
public record ReadRequest(SubUnitId id, long epoch, long lba, int blocks) implements Request {

    @Override
    public MessageType type() {
        return MessageType.READ;
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba).writeInt(blocks);
    }

    static ReadRequest read(int flags, ByteBuf fields, ByteBuf data) {
        return new ReadRequest(BlockProtocol.readSubUnit(fields), fields.readLong(), fields.readLong(), fields.readInt());
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.read(id, epoch, lba, blocks).thenApply(DataResponse::new);
    }
}
