package io.cairn.lun.device;

import io.cairn.block.LbaExtent;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One store node for gateway tests. Sub-unit content is shared by every node (as replication would
 * make it), so what one primary wrote the next one reads. A node serves a request only if the
 * placement names it primary at exactly the request's epoch; {@link #refuse} makes it answer every
 * request with a given failure instead. Takes ownership of every buffer, as the contract says.
 */
class FakeStore implements ReplicaService {
    record Call(int node, SubUnitId id, long epoch, String op) {}

    private final int node;
    private final int bytesPerSubUnit;
    private final PlacementStore placements;
    private final Map<SubUnitId, byte[]> content;
    private final List<Call> calls;
    private volatile ReplicaException.Kind refusal;

    FakeStore(int node, int bytesPerSubUnit, PlacementStore placements, Map<SubUnitId, byte[]> content, List<Call> calls) {
        this.node = node;
        this.bytesPerSubUnit = bytesPerSubUnit;
        this.placements = placements;
        this.content = content;
        this.calls = calls;
    }

    static Map<SubUnitId, byte[]> sharedContent() {
        return new ConcurrentHashMap<>();
    }

    static List<Call> sharedLog() {
        return new CopyOnWriteArrayList<>();
    }

    void refuse(ReplicaException.Kind kind) {
        refusal = kind;
    }

    private void admit(SubUnitId id, long epoch, String op) {
        calls.add(new Call(node, id, epoch, op));
        if (refusal != null) {
            throw new ReplicaException(refusal, "node " + node + " refuses");
        }
        SubUnitPlacement p = placements.get(id.lunId(), id.index()).orElseThrow();
        if (p.primary() != node) {
            throw new ReplicaException(ReplicaException.Kind.NOT_PRIMARY, "node " + node + " is not primary of " + id);
        }
        if (epoch != p.epoch()) {
            throw new ReplicaException(ReplicaException.Kind.STALE_EPOCH, "epoch " + epoch + " is not " + p.epoch());
        }
    }

    private byte[] bytes(SubUnitId id) {
        return content.computeIfAbsent(id, k -> new byte[bytesPerSubUnit]);
    }

    private static <T> CompletableFuture<T> run(java.util.function.Supplier<T> body) {
        try {
            return CompletableFuture.completedFuture(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return run(() -> {
            admit(id, epoch, "read");
            ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(blocks * 512);
            out.writeBytes(bytes(id), (int) lba * 512, blocks * 512);
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        try {
            return run(() -> {
                admit(id, epoch, "write");
                data.getBytes(data.readerIndex(), bytes(id), (int) lba * 512, data.readableBytes());
                return null;
            });
        } finally {
            data.release();
        }
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        try {
            return run(() -> {
                admit(id, epoch, "write same");
                for (long b = lba; b < lba + blocks; b++) {
                    block.getBytes(block.readerIndex(), bytes(id), (int) b * 512, 512);
                }
                return null;
            });
        } finally {
            block.release();
        }
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return run(() -> {
            admit(id, epoch, "unmap");
            java.util.Arrays.fill(bytes(id), (int) lba * 512, (int) (lba + blocks) * 512, (byte) 0);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return run(() -> {
            admit(id, epoch, "flush");
            return null;
        });
    }

    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        try {
            return run(() -> {
                admit(id, epoch, "compare and write");
                byte[] b = bytes(id);
                for (int i = 0; i < verify.readableBytes(); i++) {
                    if (b[(int) lba * 512 + i] != verify.getByte(verify.readerIndex() + i)) {
                        return (long) i;
                    }
                }
                write.getBytes(write.readerIndex(), b, (int) lba * 512, write.readableBytes());
                return -1L;
            });
        } finally {
            verify.release();
            write.release();
        }
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return run(() -> {
            admit(id, epoch, "get lba status");
            return List.of(new LbaExtent(lba, bytesPerSubUnit / 512 - lba, true));
        });
    }

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        if (data != null) {
            data.release();
        }
        return CompletableFuture.failedFuture(new ReplicaException(ReplicaException.Kind.INVALID, "not for gateways"));
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return CompletableFuture.failedFuture(new ReplicaException(ReplicaException.Kind.INVALID, "not for gateways"));
    }

    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return CompletableFuture.failedFuture(new ReplicaException(ReplicaException.Kind.INVALID, "not for gateways"));
    }
}
