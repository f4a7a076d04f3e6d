package io.cairn.store.replica;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.Peers;
import io.cairn.replica.PlacementView;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitGeometry;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.LbaExtent;
import io.cairn.store.FileSubUnit;
import io.cairn.replica.SubUnitReplica;
import io.cairn.store.SubUnitStore;
import io.cairn.store.dr.DrCopy;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One store node serving its sub-unit replicas (architecture.md "Write path", "Consistency invariants",
 * "Failure handling").
 *
 * <p>Epoch fencing, checked on every request before anything is touched: the node's known epoch
 * of a sub-unit is the larger of the placement's and the highest any request carried; an older
 * request is refused with STALE_EPOCH. Gateway requests are served only by the placement's primary
 * at exactly its epoch (else NOT_PRIMARY); a sub-unit whose placement does not list this node is
 * NOT_HOSTED. Peer requests (replicate, versions) need only a current epoch: a new primary's
 * epoch may reach a replica before its placement view catches up, and from then on the old
 * primary is refused.
 *
 * <p>Writes go through {@link ReplicatedWrite}; {@link #catchUp} starts a {@link Resync} for every
 * assigned replica that is not in sync (the wiring calls it when the placement changes).
 *
 * <p>Buffer ownership as in {@link ReplicaService}: every method taking a buffer releases it,
 * also when it refuses the request.
 */
public final class ReplicaHost implements ReplicaService {
    private final int node;
    private final SubUnitStore store;
    private final SubUnitGeometry geometry;
    private final PlacementView view;
    private final Peers peers;
    private final Duration replicaTimeout;
    private final Consumer<ResyncReport> resyncListener;
    private final ConcurrentHashMap<SubUnitId, AtomicLong> seenEpochs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<ResyncReport>> resyncs = new ConcurrentHashMap<>();
    private final List<ResyncReport> reports = new CopyOnWriteArrayList<>();
    private final ReplicaMisses misses = new ReplicaMisses();
    private final ReplicaFlushes flushes = new ReplicaFlushes();
    /** Upper bound of one resync attempt; a later sweep starts a new one. */
    private static final long RESYNC_DEADLINE_SECONDS = 120;

    public ReplicaHost(int node, SubUnitStore store, SubUnitGeometry geometry, PlacementView view, Peers peers,
                       Duration replicaTimeout, Consumer<ResyncReport> resyncListener) {
        this.node = node;
        this.store = store;
        this.geometry = geometry;
        this.view = view;
        this.peers = peers;
        this.replicaTimeout = replicaTimeout;
        this.resyncListener = resyncListener;
    }

    public int node() {
        return node;
    }

    /** Every completed resync this node ran as primary, oldest first. */
    public List<ResyncReport> resyncReports() {
        return List.copyOf(reports);
    }

    /** The highest epoch this node knows for the sub-unit (placement or requests). */
    public long knownEpoch(SubUnitId id) {
        long seen = seenEpochs.getOrDefault(id, new AtomicLong()).get();
        return Math.max(seen, view.placement(id).map(ReplicaSet::epoch).orElse(0L));
    }

    // --- gateway to primary ---

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return guarded(() -> local(admitGateway(id, epoch), id).read(lba, blocks));
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        return guarded(() -> {
            ReplicaSet p = admitGateway(id, epoch);
            SubUnitReplica unit = local(p, id);
            long blocks = data.readableBytes() / unit.blockSize();
            ReplicatedWrite w = replicatedWrite(id, p, unit);
            syncComing(fua);
            if (!w.coversWholeBlocks(lba, blocks) || data.readableBytes() % unit.blockSize() != 0) {
                return unit.write(lba, data, false, epoch)
                        .thenCompose(v -> durableAlongside(unit, fua, w.shipRange(lba, blocks, fua)));
            }
            ByteBuf shipped = data.retainedDuplicate(); // the local write releases its own reference
            return unit.write(lba, data, false, epoch).handle((version, err) -> {
                if (err != null) {
                    shipped.release();
                    return CompletableFuture.<Void>failedFuture(err);
                }
                return durableAlongside(unit, fua, w.shipWritten(lba, shipped, version, fua));
            }).thenCompose(f -> f);
        }, data);
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        return guarded(() -> {
            ReplicaSet p = admitGateway(id, epoch);
            SubUnitReplica unit = local(p, id);
            ReplicatedWrite w = replicatedWrite(id, p, unit);
            syncComing(fua);
            return unit.writeSame(lba, blocks, block, unmap, false, epoch)
                    .thenCompose(v -> durableAlongside(unit, fua, w.shipRange(lba, blocks, fua)));
        }, block);
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return guarded(() -> {
            ReplicaSet p = admitGateway(id, epoch);
            SubUnitReplica unit = local(p, id);
            ReplicatedWrite w = replicatedWrite(id, p, unit);
            return unit.unmap(lba, blocks, false, epoch).thenCompose(v -> w.shipRange(lba, blocks, false));
        });
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return guarded(() -> {
            ReplicaSet p = admitGateway(id, epoch);
            SubUnitReplica unit = local(p, id);
            ReplicatedWrite w = replicatedWrite(id, p, unit);
            return durableAlongside(unit, true, w.flush()); // writes before it are at the replicas already
        });
    }

    /** Atomic at the primary (compare and write under its stripe locks), then replicated like a write. */
    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        return guarded(() -> {
            ReplicaSet p = admitGateway(id, epoch);
            SubUnitReplica unit = local(p, id);
            long blocks = verify.readableBytes() / unit.blockSize();
            ReplicatedWrite w = replicatedWrite(id, p, unit);
            syncComing(fua);
            return unit.compareAndWrite(lba, verify, write, false, epoch).thenCompose(mismatch -> mismatch >= 0
                    ? CompletableFuture.completedFuture(mismatch) // SBC-4 5.3: nothing written, nothing to ship
                    : durableAlongside(unit, fua, w.shipRange(lba, blocks, fua)).thenApply(v -> -1L));
        }, verify, write);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return guarded(() -> local(admitGateway(id, epoch), id).lbaStatus(lba, maxExtents));
    }

    /** A FUA change is about to run without FUA and be flushed: let it be logged, not forced. */
    private void syncComing(boolean fua) {
        if (fua) {
            store.oplog().syncComing();
        }
    }

    /**
     * A durable change made durable here while it travels: the local change ran without FUA, so
     * {@code shipped} (the replicas applying it, durably if {@code fua}) and this copy's flush
     * (one shared log sync covering it) overlap instead of following each other. Completes when
     * both did; without {@code fua}, when the replicas did.
     */
    private static CompletableFuture<Void> durableAlongside(SubUnitReplica unit, boolean fua,
                                                            CompletableFuture<Void> shipped) {
        if (!fua) {
            return shipped;
        }
        CompletableFuture<Void> here;
        try {
            here = unit.flush();
        } catch (RuntimeException e) {
            here = CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(here, shipped);
    }

    // --- primary to replica ---

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        return guarded(() -> local(admitPeer(id, epoch), id).apply(first, count, data, version, fua)
                .thenApply(applied -> null), data);
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return guarded(() -> local(admitPeer(id, epoch), id).versions());
    }

    /**
     * Versions and digests of this copy; consistent with each other only while no write is in
     * flight. For {@code <lun>@dr/<index>}, of the DR copy this store holds for another site
     * (architecture.md "DR shipping"), in the geometry of the LUN's sub-unit.
     */
    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return guarded(() -> {
            SubUnitReplica unit = DrCopy.lunOfCopy(id.lunId()) != null ? drCopy(id) : local(hosted(id), id);
            return unit.versions().thenCombine(unit.digests(), (v, d) -> new Verification(node, v, d));
        });
    }

    private SubUnitReplica drCopy(SubUnitId id) {
        SubUnitId of = new SubUnitId(DrCopy.lunOfCopy(id.lunId()), id.index());
        if (!store.holds(id.lunId(), id.index())) {
            throw new ReplicaException(ReplicaException.Kind.NOT_HOSTED, "node " + node + " holds no DR copy of " + of);
        }
        try {
            return store.open(id.lunId(), id.index(), geometry.blockCount(of), geometry.blockSize(of));
        } catch (IOException e) {
            throw new ReplicaException(ReplicaException.Kind.MEDIUM_ERROR, "cannot open " + id, e);
        }
    }

    // --- resync ---

    /**
     * If this node is the sub-unit's primary, resyncs every assigned replica that is not in sync
     * (one resync per replica at a time). Completes with the reports of the resyncs it ran.
     */
    public CompletableFuture<List<ResyncReport>> catchUp(SubUnitId id) {
        ReplicaSet p = view.placement(id).orElse(null);
        if (p == null || p.primary() != node || p.epoch() < knownEpoch(id)) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<ResyncReport>> running = new ArrayList<>();
        for (int r : p.replicas()) {
            if (r != node && !p.inSync(r)) {
                running.add(resync(id, p, r));
            }
        }
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .thenApply(v -> running.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The running resync of {@code replica}, or a new one. The entry is registered before the
     * resync starts, so one that fails at once (the replica is unreachable) is removed rather than
     * left behind for every later attempt to find.
     */
    private CompletableFuture<ResyncReport> resync(SubUnitId id, ReplicaSet p, int replica) {
        String key = id + "@" + replica;
        CompletableFuture<ResyncReport> mine = new CompletableFuture<>();
        CompletableFuture<ResyncReport> running = resyncs.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture<ResyncReport> f;
        try {
            // A resync that hangs (a peer that never answers) must not block every later attempt.
            SubUnitReplica unit = local(p, id);
            f = new Resync(id, p, replica, unit, peers.peer(replica), view, misses, replicatedWrite(id, p, unit)).run()
                    .orTimeout(RESYNC_DEADLINE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((report, err) -> {
            resyncs.remove(key, mine);
            if (report != null) {
                reports.add(report);
                resyncListener.accept(report);
                mine.complete(report);
            } else {
                mine.completeExceptionally(err);
            }
        });
        return mine;
    }

    // --- fencing and plumbing ---

    private ReplicaSet admitGateway(SubUnitId id, long epoch) {
        ReplicaSet p = hosted(id);
        learn(id, epoch, p);
        if (p.primary() != node || p.epoch() != epoch) {
            throw new ReplicaException(ReplicaException.Kind.NOT_PRIMARY,
                    "node " + node + " is not the primary of " + id + " at epoch " + epoch);
        }
        return p;
    }

    private ReplicaSet admitPeer(SubUnitId id, long epoch) {
        ReplicaSet p = hosted(id);
        learn(id, epoch, p);
        return p;
    }

    private ReplicaSet hosted(SubUnitId id) {
        ReplicaSet p = view.placement(id).orElse(null);
        if (p == null || !p.hosts(node)) {
            throw new ReplicaException(ReplicaException.Kind.NOT_HOSTED, "node " + node + " holds no copy of " + id);
        }
        return p;
    }

    /** architecture.md "Consistency invariants": a store refuses a stale epoch and learns a newer one. */
    private void learn(SubUnitId id, long epoch, ReplicaSet p) {
        AtomicLong seen = seenEpochs.computeIfAbsent(id, k -> new AtomicLong());
        long known = Math.max(p.epoch(), seen.get());
        if (epoch < known) {
            throw new ReplicaException(ReplicaException.Kind.STALE_EPOCH,
                    "epoch " + epoch + " of " + id + " is older than " + known);
        }
        seen.accumulateAndGet(epoch, Math::max);
    }

    private SubUnitReplica local(ReplicaSet p, SubUnitId id) {
        try {
            FileSubUnit unit = store.open(id.lunId(), id.index(), geometry.blockCount(id), geometry.blockSize(id));
            return unit;
        } catch (IOException e) {
            throw new ReplicaException(ReplicaException.Kind.MEDIUM_ERROR, "cannot open " + id, e);
        }
    }

    private ReplicatedWrite replicatedWrite(SubUnitId id, ReplicaSet p, SubUnitReplica unit) {
        return new ReplicatedWrite(node, id, p, unit, peers, view, misses, flushes, replicaTimeout);
    }

    /** Runs {@code request}; if it throws before taking the buffers, releases them and fails. */
    private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> request, Object... owned) {
        CompletableFuture<T> f;
        try {
            f = request.get();
        } catch (RuntimeException e) {
            for (Object o : owned) {
                ReferenceCountUtil.safeRelease(o);
            }
            return CompletableFuture.failedFuture(asReplicaException(e));
        }
        return f.handle((v, err) -> {
            if (err != null) {
                throw asReplicaException(ReplicatedWrite.unwrap(err));
            }
            return v;
        });
    }

    static ReplicaException asReplicaException(Throwable t) {
        if (t instanceof ReplicaException r) {
            return r;
        }
        if (t instanceof BlockDeviceException b) {
            return new ReplicaException(b.kind() == BlockDeviceException.Kind.UNAVAILABLE
                    ? ReplicaException.Kind.UNAVAILABLE : ReplicaException.Kind.MEDIUM_ERROR, b.getMessage(), b);
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "timed out", t);
        }
        if (t instanceof IllegalArgumentException) {
            return new ReplicaException(ReplicaException.Kind.INVALID, t.getMessage(), t);
        }
        return new ReplicaException(ReplicaException.Kind.MEDIUM_ERROR, String.valueOf(t.getMessage()), t);
    }
}
