package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ReplicaService#compareAndWrite}. Fields: sub-unit, epoch, lba, verify length; flag FUA;
 * data: the verify bytes then the write bytes, in one buffer ({@code Unpooled.wrappedBuffer} on the
 * sending side, slices on the receiving side: no copy). Owns {@code data}.
 */
public record CompareAndWriteRequest(SubUnitId id, long epoch, long lba, int verifyBytes, ByteBuf data, boolean fua)
        implements Request {

    @Override
    public MessageType type() {
        return MessageType.COMPARE_AND_WRITE;
    }

    @Override
    public int flags() {
        return BlockProtocol.flag(fua, BlockProtocol.FLAG_FUA);
    }

    @Override
    public void writeFields(ByteBuf out) {
        BlockProtocol.writeSubUnit(out, id);
        out.writeLong(epoch).writeLong(lba).writeInt(verifyBytes);
    }

    @Override
    public ByteBuf payload() {
        return data;
    }

    static CompareAndWriteRequest read(int flags, ByteBuf fields, ByteBuf data) {
        SubUnitId id = BlockProtocol.readSubUnit(fields);
        long epoch = fields.readLong();
        long lba = fields.readLong();
        int verifyBytes = fields.readInt();
        BlockProtocol.check(verifyBytes >= 0 && verifyBytes <= data.readableBytes(), "verify length outside the data");
        return new CompareAndWriteRequest(id, epoch, lba, verifyBytes, data.retain(),
                (flags & BlockProtocol.FLAG_FUA) != 0);
    }

    @Override
    public CompletableFuture<Message> invoke(ReplicaService service) {
        ByteBuf verify;
        ByteBuf write;
        try {
            verify = data.retainedSlice(data.readerIndex(), verifyBytes);
            write = data.retainedSlice(data.readerIndex() + verifyBytes, data.readableBytes() - verifyBytes);
        } finally {
            data.release(); // the two slices now hold the buffer
        }
        return service.compareAndWrite(id, epoch, lba, verify, write, fua).thenApply(MismatchResponse::new);
    }
}
