package io.cairn.store.replica;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.PlacementView;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.VersionSnapshot;
import io.cairn.replica.SubUnitReplica;
import io.cairn.replica.SubUnitReplica.BlockRun;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Brings one assigned, not-in-sync replica up to date from the primary (architecture.md "Failure
 * handling": resync by comparing version ids, copying only what changed). The primary reads the
 * replica's versions, sends every replication block whose own version is newer with its current
 * content and version, then marks the replica in sync. Writes arriving meanwhile are sent to the
 * replica by {@link ReplicatedWrite}; apply-if-newer makes the two streams commute.
 *
 * <p>A block the replica holds at a version the primary's copy is not newer than, but that differs,
 * is a change an earlier primary made and never got acknowledged (it crashed or was deposed before
 * its replica had it); apply-if-newer alone would keep it. The primary restamps its own copy of
 * such a block at the current epoch, which is newer than anything an earlier primary stamped, and
 * ships it like a write to every replica ({@link ReplicatedWrite}), so every copy agrees with the
 * primary again; the unacknowledged change is dropped, as SBC allows for a write never completed.
 */
final class Resync {
    private static final int MESSAGE_BYTES = 1 << 20;

    private final SubUnitId id;
    private final ReplicaSet placement;
    private final int replica;
    private final SubUnitReplica local;
    private final ReplicaService peer;
    private final PlacementView view;
    private final ReplicaMisses misses;
    private final ReplicatedWrite restamped;

    Resync(SubUnitId id, ReplicaSet placement, int replica, SubUnitReplica local, ReplicaService peer,
           PlacementView view, ReplicaMisses misses, ReplicatedWrite restamped) {
        this.id = id;
        this.placement = placement;
        this.replica = replica;
        this.local = local;
        this.peer = peer;
        this.view = view;
        this.misses = misses;
        this.restamped = restamped;
    }

    CompletableFuture<ResyncReport> run() {
        long started = System.nanoTime();
        long missesBefore = misses.count(id, replica);
        long epoch = placement.epoch();
        // The replica's versions first, then ours: a write reaches the replica only after this copy
        // applied it, so read in this order ours is never older than theirs for a block a write
        // changed in between (read together, a write landing between the two reads made the
        // replica look newer than its primary, a false STALE_EPOCH).
        return peer.versions(id, epoch)
                .thenCompose(theirs -> local.versions().thenApply(ours -> diff(ours, theirs)))
                .thenCompose(stale -> restamp(stale.divergent(), 0).thenApply(v -> stale))
                .thenCompose(stale -> copy(stale, 0).thenCompose(v -> force()).thenApply(v -> stale))
                .thenCompose(stale -> {
                    if (misses.count(id, replica) != missesBefore) {
                        throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE,
                                "replica " + replica + " of " + id + " missed a write during resync");
                    }
                    return view.markInSync(id, replica, epoch).thenCompose(p -> {
                        if (misses.count(id, replica) != missesBefore) {
                            // a write failed to reach it while the placement changed: take it back
                            return view.dropFromInSync(id, replica, epoch).thenApply(q -> {
                                throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE,
                                        "replica " + replica + " of " + id + " missed a write during resync");
                            });
                        }
                        if (p == null || p.epoch() != epoch || !p.inSync(replica)) {
                            throw new ReplicaException(ReplicaException.Kind.STALE_EPOCH,
                                    "placement of " + id + " moved on during resync");
                        }
                        return CompletableFuture.completedFuture(new ResyncReport(id, replica, epoch,
                                stale.compared(), stale.blocks().size(), (System.nanoTime() - started) / 1_000_000));
                    });
                });
    }

    /** {@code blocks}: to copy, ascending (the divergent ones among them); {@code divergent}: to restamp first. */
    private record Stale(int compared, List<Integer> blocks, List<Integer> divergent) {}

    private Stale diff(VersionSnapshot ours, VersionSnapshot theirs) {
        if (ours.blocks() != theirs.blocks() || ours.replicationBlockBytes() != theirs.replicationBlockBytes()) {
            throw new ReplicaException(ReplicaException.Kind.INVALID, "replica " + replica + " of " + id
                    + " has another geometry: " + theirs.blocks() + " x " + theirs.replicationBlockBytes());
        }
        List<Integer> stale = new ArrayList<>();
        List<Integer> divergent = new ArrayList<>();
        for (int i = 0; i < ours.blocks(); i++) {
            BlockVersion mine = ours.version(i);
            BlockVersion other = theirs.version(i);
            if (mine.newerThan(other)) {
                stale.add(i);
            } else if (!mine.equals(other)) {
                if (other.epoch() >= placement.epoch()) {
                    // only this primary stamps at its epoch: a newer copy elsewhere means a newer primary
                    throw new ReplicaException(ReplicaException.Kind.STALE_EPOCH, "replica " + replica + " of " + id
                            + " holds block " + i + " at " + other + ", newer than epoch " + placement.epoch());
                }
                stale.add(i);
                divergent.add(i);
            }
        }
        return new Stale(ours.blocks(), stale, divergent);
    }

    /** Restamps the divergent blocks from index {@code from} on and ships each to every replica. */
    private CompletableFuture<Void> restamp(List<Integer> divergent, int from) {
        if (from >= divergent.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int block = divergent.get(from);
        long perBlock = local.replicationBlockBytes() / local.blockSize();
        long lba = block * perBlock;
        long blocks = Math.min(perBlock, local.blockCount() - lba);
        return local.restamp(block, 1, placement.epoch())
                .thenCompose(v -> restamped.shipRange(lba, blocks, false))
                .thenCompose(v -> restamp(divergent, from + 1));
    }

    /** Sends the stale blocks from index {@code from} on, one run of consecutive blocks at a time. */
    private CompletableFuture<Void> copy(Stale stale, int from) {
        List<Integer> blocks = stale.blocks();
        if (from >= blocks.size()) {
            return CompletableFuture.completedFuture(null);
        }
        int max = Math.max(1, MESSAGE_BYTES / local.replicationBlockBytes());
        int to = from + 1;
        while (to < blocks.size() && to - from < max && blocks.get(to) == blocks.get(to - 1) + 1) {
            to++;
        }
        int next = to;
        return local.readBlocks(blocks.get(from), to - from).thenCompose(runs -> {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            try {
                for (BlockRun run : runs) {
                    ByteBuf data = run.data() == null ? null : run.data().retainedDuplicate();
                    sent.add(peer.replicate(id, placement.epoch(), run.first(), run.count(), data, run.version(), false));
                }
            } finally {
                BlockRun.releaseAll(runs);
            }
            return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        }).thenCompose(v -> copy(stale, next));
    }

    /** Forces what was copied on the replica: marking in sync promises it holds every acknowledged write. */
    private CompletableFuture<Void> force() {
        return peer.replicate(id, placement.epoch(), 0, 0, null, BlockVersion.NONE, true);
    }
}
