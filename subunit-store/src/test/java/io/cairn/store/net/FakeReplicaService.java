package io.cairn.store.net;

import io.cairn.block.LbaExtent;
import io.cairn.testkit.replica.MemorySubUnit;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.VersionSnapshot;
import io.cairn.replica.Verification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A replica service in memory, for protocol tests: each sub-unit a {@link MemorySubUnit} of 64
 * blocks of 512 bytes; epochs checked (STALE_EPOCH); lun "absent" is NOT_HOSTED. When holding,
 * operations wait (not yet run) until the test releases them, in any order, or never.
 */
final class FakeReplicaService implements ReplicaService {
    static final int BLOCK = 512;
    static final int BLOCKS = 64;

    /** What a replicate call carried. */
    record Replicated(SubUnitId id, int first, int count, String hexData, BlockVersion version, boolean fua) {}

    private final Map<SubUnitId, MemorySubUnit> devices = new ConcurrentHashMap<>();
    private final Map<SubUnitId, Long> epochs = new ConcurrentHashMap<>();
    private final List<Replicated> replicated = new ArrayList<>();
    private final Deque<Runnable> held = new ArrayDeque<>();
    private volatile boolean holding;

    void hold(boolean on) {
        holding = on;
    }

    synchronized int heldCount() {
        return held.size();
    }

    /** Runs the held operations, last first, so responses leave in the reverse order of arrival. */
    void releaseHeldReversed() {
        List<Runnable> batch = new ArrayList<>();
        synchronized (this) {
            while (!held.isEmpty()) {
                batch.add(held.pollLast());
            }
        }
        batch.forEach(Runnable::run);
    }

    void setEpoch(SubUnitId id, long epoch) {
        epochs.put(id, epoch);
    }

    synchronized List<Replicated> replicated() {
        return List.copyOf(replicated);
    }

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return run(id, epoch, null, () -> device(id).read(lba, blocks));
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        return run(id, epoch, data, () -> device(id).write(lba, data, fua));
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        return run(id, epoch, block, () -> device(id).writeSame(lba, blocks, block, unmap, fua));
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return run(id, epoch, null, () -> device(id).unmap(lba, blocks));
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return run(id, epoch, null, () -> device(id).flush());
    }

    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        ByteBuf both = io.netty.buffer.Unpooled.wrappedBuffer(verify, write); // released as one on refusal
        return run(id, epoch, both, () -> device(id).compareAndWrite(lba, verify, write, fua));
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return run(id, epoch, null, () -> device(id).lbaStatus(lba, maxExtents));
    }

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        return run(id, epoch, data, () -> {
            try {
                synchronized (this) {
                    replicated.add(new Replicated(id, first, count, data == null ? null : ByteBufUtil.hexDump(data),
                            version, fua));
                }
                return CompletableFuture.completedFuture(null);
            } finally {
                ReferenceCountUtil.release(data);
            }
        });
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return run(id, epoch, null, () -> CompletableFuture.completedFuture(snapshot()));
    }

    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return run(id, Long.MAX_VALUE, null, () -> CompletableFuture.completedFuture(
                new Verification(7, snapshot(), new long[] {11, -12, 13})));
    }

    static VersionSnapshot snapshot() {
        return new VersionSnapshot(65536, new long[] {1, 2, 0}, new long[] {5L << 48 | 1, -1, 0},
                new boolean[] {true, true, false});
    }

    private MemorySubUnit device(SubUnitId id) {
        return devices.computeIfAbsent(id, k -> new MemorySubUnit(BLOCKS, BLOCK));
    }

    /** Checks hosting and epoch (releasing {@code owned} on refusal), then runs or holds the operation. */
    private <T> CompletableFuture<T> run(SubUnitId id, long epoch, ByteBuf owned,
                                         Supplier<CompletableFuture<T>> operation) {
        if (id.lunId().equals("absent")) {
            ReferenceCountUtil.release(owned);
            return CompletableFuture.failedFuture(new ReplicaException(Kind.NOT_HOSTED, "no copy of " + id));
        }
        long current = epochs.merge(id, epoch == Long.MAX_VALUE ? 1 : epoch, Math::max);
        if (epoch < current) {
            ReferenceCountUtil.release(owned);
            return CompletableFuture.failedFuture(
                    new ReplicaException(Kind.STALE_EPOCH, "epoch " + epoch + " < " + current));
        }
        if (!holding) {
            return operation.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            held.add(() -> operation.get().whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else if (!result.complete(v)) {
                    ReferenceCountUtil.release(v);
                }
            }));
        }
        return result;
    }
}
