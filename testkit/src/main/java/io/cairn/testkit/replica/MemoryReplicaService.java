package io.cairn.testkit.replica;

import io.cairn.block.LbaExtent;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One store node's {@link ReplicaService} in memory, for tests of what talks to stores: the block
 * protocol, gateways, distributed LUNs. Requests go to the node's {@link MemorySubUnits} (which
 * several nodes may share). Before a request runs, the node
 * <ol>
 *   <li>logs it ({@link #calls}, or a log shared with other nodes: {@link #loggingTo});
 *   <li>fails it with the kind given to {@link #refuse}, if any;
 *   <li>refuses sub-units of LUNs it does not host ({@link #notHosting}: NOT_HOSTED);
 *   <li>checks its epoch (architecture.md "Consistency invariants"): by default it refuses an epoch below
 *       the highest it has seen for the sub-unit and learns higher ones ({@link #setEpoch}); serving
 *       {@link #servingPlacement a placement}, it requires exactly the placement's epoch, and for a
 *       gateway's request ({@link Op#toPrimary}) that the placement names this node primary
 *       (STALE_EPOCH, NOT_PRIMARY);
 *   <li>runs it, or, while {@link #hold holding}, keeps it until the test releases it.
 * </ol>
 * Replication applies if newer, as a store does; {@code verify} answers with the copy's versions
 * and digests. A subclass may change an answer and still go through these steps with {@link #serve}.
 *
 * <p>Configure before the first request. Buffer ownership as {@link ReplicaService}: every buffer
 * passed in is taken over, and released also when the request is refused.
 */
public class MemoryReplicaService implements ReplicaService {

    /** The requests of {@link ReplicaService}, and who sends them. */
    public enum Op {
        READ(true), WRITE(true), WRITE_SAME(true), UNMAP(true), FLUSH(true), COMPARE_AND_WRITE(true),
        LBA_STATUS(true), REPLICATE(false), VERSIONS(false), VERIFY(false);

        /** Sent by a gateway to the primary (the rest by a primary to its replicas). */
        public final boolean toPrimary;

        Op(boolean toPrimary) {
            this.toPrimary = toPrimary;
        }
    }

    /** One request as the node received it, before any check; {@code epoch} is -1 for verify, which carries none. */
    public record Call(int node, SubUnitId id, long epoch, Op op) {}

    private final int node;
    private final MemorySubUnits copies;
    private final Map<SubUnitId, Long> epochs = new ConcurrentHashMap<>();
    private final Set<String> absentLuns = new HashSet<>();
    private final Deque<Runnable> held = new ArrayDeque<>();
    private List<Call> calls = new CopyOnWriteArrayList<>();
    private PlacementStore placements;
    private volatile Kind refusal;
    private volatile boolean holding;

    public MemoryReplicaService(int node, MemorySubUnits copies) {
        this.node = node;
        this.copies = copies;
    }

    /** Checks requests against {@code placements} instead of learning epochs (see the class comment). */
    public MemoryReplicaService servingPlacement(PlacementStore placements) {
        this.placements = placements;
        return this;
    }

    /** Refuses every sub-unit of {@code lunId} with NOT_HOSTED. */
    public MemoryReplicaService notHosting(String lunId) {
        absentLuns.add(lunId);
        return this;
    }

    /** Logs calls to {@code log} (shared by several nodes, it records which node got what, in order). */
    public MemoryReplicaService loggingTo(List<Call> log) {
        this.calls = log;
        return this;
    }

    public int node() {
        return node;
    }

    /** This node's copy of {@code id}. */
    public MemorySubUnit copy(SubUnitId id) {
        return copies.copy(id);
    }

    /** The calls logged so far. */
    public List<Call> calls() {
        return calls;
    }

    /** From now on fails every request with {@code kind} (null: serves again). */
    public void refuse(Kind kind) {
        refusal = kind;
    }

    /** The epoch this node believes current for {@code id}, when it learns epochs. */
    public void setEpoch(SubUnitId id, long epoch) {
        epochs.put(id, epoch);
    }

    /** While on, admitted requests wait, not yet run, until {@link #releaseHeldReversed}. */
    public void hold(boolean on) {
        holding = on;
    }

    public synchronized int heldCount() {
        return held.size();
    }

    /** Runs the held requests, last first, so their answers leave in the reverse order of arrival. */
    public void releaseHeldReversed() {
        List<Runnable> batch = new ArrayList<>();
        synchronized (this) {
            while (!held.isEmpty()) {
                batch.add(held.pollLast());
            }
        }
        batch.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return serve(Op.READ, id, epoch, () -> copy(id).read(lba, blocks));
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        return serve(Op.WRITE, id, epoch, () -> copy(id).write(lba, data, fua), data);
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        return serve(Op.WRITE_SAME, id, epoch, () -> copy(id).writeSame(lba, blocks, block, unmap, fua), block);
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return serve(Op.UNMAP, id, epoch, () -> copy(id).unmap(lba, blocks));
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return serve(Op.FLUSH, id, epoch, () -> copy(id).flush());
    }

    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        return serve(Op.COMPARE_AND_WRITE, id, epoch, () -> copy(id).compareAndWrite(lba, verify, write, fua),
                verify, write);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return serve(Op.LBA_STATUS, id, epoch, () -> copy(id).lbaStatus(lba, maxExtents));
    }

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        return serve(Op.REPLICATE, id, epoch,
                () -> copy(id).apply(first, count, data, version, fua).thenApply(applied -> null), data);
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return serve(Op.VERSIONS, id, epoch, () -> copy(id).versions());
    }

    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return serve(Op.VERIFY, id, -1, () -> copy(id).versions()
                .thenCombine(copy(id).digests(), (versions, digests) -> new Verification(node, versions, digests)));
    }

    /**
     * Logs, checks (releasing {@code owned} if refused), then runs or holds {@code operation}, which
     * takes over {@code owned} once it runs. {@code epoch} -1: the request carries none.
     */
    protected <T> CompletableFuture<T> serve(Op op, SubUnitId id, long epoch,
                                             Supplier<CompletableFuture<T>> operation, ByteBuf... owned) {
        calls.add(new Call(node, id, epoch, op));
        ReplicaException refused = refusal(op, id, epoch);
        if (refused != null) {
            for (ByteBuf b : owned) {
                ReferenceCountUtil.release(b);
            }
            return CompletableFuture.failedFuture(refused);
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

    private ReplicaException refusal(Op op, SubUnitId id, long epoch) {
        Kind refused = refusal;
        if (refused != null) {
            return new ReplicaException(refused, "node " + node + " refuses");
        }
        if (absentLuns.contains(id.lunId())) {
            return new ReplicaException(Kind.NOT_HOSTED, "node " + node + " holds no copy of " + id);
        }
        if (epoch < 0) {
            return null;
        }
        if (placements == null) {
            long current = epochs.merge(id, epoch, Math::max);
            return epoch < current ? new ReplicaException(Kind.STALE_EPOCH, "epoch " + epoch + " < " + current) : null;
        }
        SubUnitPlacement p = placements.get(id.lunId(), id.index()).orElse(null);
        if (p == null) {
            return new ReplicaException(Kind.NOT_HOSTED, id + " is not placed");
        }
        if (op.toPrimary && p.primary() != node) {
            return new ReplicaException(Kind.NOT_PRIMARY, "node " + node + " is not primary of " + id);
        }
        if (epoch != p.epoch()) {
            return new ReplicaException(Kind.STALE_EPOCH, "epoch " + epoch + " is not " + p.epoch());
        }
        return null;
    }
}
