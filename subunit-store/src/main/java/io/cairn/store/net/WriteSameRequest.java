package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicaService#writeSame}. Fields: sub-unit, epoch, lba, blocks; flags FUA, UNMAP; data:
 * the one block, zero-copy. Owns {@code block}.
 */
public record WriteSameRequest(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block, boolean unmap,
                               boolean fua) implements Request {

    @Override
    public MessageType type() {
        return MessageType.WRITE_SAME;
    }

    @Override
    public int flags() {
        return BlockProtocol.flag(fua, BlockProtocol.FLAG_FUA) | BlockProtocol.flag(unmap, BlockProtocol.FLAG_UNMAP);
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba).writeLong(blocks);
    }

    @Override
    public ByteBuf payload() {
        return block;
    }

    static WriteSameRequest read(int flags, ByteBuf fields, ByteBuf data) {
        SubUnitId id = BlockProtocol.readSubUnit(fields);
        long epoch = fields.readLong();
        long lba = fields.readLong();
        long blocks = fields.readLong();
        return new WriteSameRequest(id, epoch, lba, blocks, data.retain(),
                (flags & BlockProtocol.FLAG_UNMAP) != 0, (flags & BlockProtocol.FLAG_FUA) != 0);
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        return service.writeSame(id, epoch, lba, blocks, block, unmap, fua).thenApply(v -> DoneResponse.INSTANCE);
    }
}
