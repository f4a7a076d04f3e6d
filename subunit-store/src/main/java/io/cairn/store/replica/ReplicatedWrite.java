package io.cairn.store.replica;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.Peers;
import io.cairn.replica.PlacementView;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.SubUnitReplica;
import io.cairn.replica.SubUnitReplica.BlockRun;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One change at the primary, shipped to the other replicas (architecture.md "Write path" 5-6): after the
 * local change completed, the changed replication blocks are sent with {@code replicate} to every
 * other assigned replica, in sync or resyncing. The change is complete when every in-sync replica
 * has applied it, durably if {@code fua}.
 *
 * <p>What is sent: a write that covers whole replication blocks ships its own data with the
 * version the write stamped on them ({@link #shipWritten}); any other change reads the blocks
 * back with their versions, atomically per block ({@link #shipRange}). Either way a block travels
 * with a version that belongs to its content: versions are drawn under the blocks' locks, so a
 * later change of the same block carries a newer version and wins at the replica whatever order
 * the two arrive in.
 *
 * <p>Durability contract: a write is acknowledged only when every replica the placement lists as
 * in sync holds it, or has been removed from the in-sync set in ZooKeeper first; if that removal
 * cannot be recorded the write fails (never acknowledged with fewer copies than the placement says).
 *
 * <p>Replicas being resynced are sent every change too but not waited for; a failure to reach one
 * is counted ({@link ReplicaMisses}) so its resync does not mark it in sync over a missed write.
 */
final class ReplicatedWrite {
    private static final int MESSAGE_BYTES = 1 << 20;

    private final int self;
    private final SubUnitId id;
    private final ReplicaSet placement;
    private final SubUnitReplica local;
    private final Peers peers;
    private final PlacementView view;
    private final ReplicaMisses misses;
    private final ReplicaFlushes flushes;
    private final Duration timeout;

    ReplicatedWrite(int self, SubUnitId id, ReplicaSet placement, SubUnitReplica local, Peers peers,
                    PlacementView view, ReplicaMisses misses, ReplicaFlushes flushes, Duration timeout) {
        this.self = self;
        this.id = id;
        this.placement = placement;
        this.local = local;
        this.peers = peers;
        this.view = view;
        this.misses = misses;
        this.flushes = flushes;
        this.timeout = timeout;
    }

    /** Ships the blocks covering logical blocks {@code lba..lba+blocks-1} after a local change. */
    CompletableFuture<Void> shipRange(long lba, long blocks, boolean fua) {
        if (blocks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        long perBlock = local.replicationBlockBytes() / local.blockSize();
        int first = (int) (lba / perBlock);
        int last = (int) ((lba + blocks - 1) / perBlock);
        return ship(first, last - first + 1, fua);
    }

    /** Whether a write of {@code blocks} logical blocks at {@code lba} covers whole replication blocks only. */
    boolean coversWholeBlocks(long lba, long blocks) {
        long perBlock = local.replicationBlockBytes() / local.blockSize();
        long end = lba + blocks;
        return blocks > 0 && lba % perBlock == 0 && (end % perBlock == 0 || end == local.blockCount());
    }

    /**
     * Ships a completed write of whole replication blocks ({@link #coversWholeBlocks}) as it was
     * written: {@code data} with the {@code version} the write stamped. Takes ownership of {@code data}.
     */
    CompletableFuture<Void> shipWritten(long lba, ByteBuf data, BlockVersion version, boolean fua) {
        List<BlockRun> runs = new ArrayList<>();
        try {
            int blockBytes = local.replicationBlockBytes();
            int first = (int) (lba / (blockBytes / local.blockSize()));
            int perMessage = Math.max(1, MESSAGE_BYTES / blockBytes);
            for (int off = 0, b = first; off < data.readableBytes(); b += perMessage) {
                int len = Math.min(perMessage * blockBytes, data.readableBytes() - off);
                int count = (len + blockBytes - 1) / blockBytes; // the sub-unit's last block may be short
                runs.add(new BlockRun(b, count, data.retainedSlice(data.readerIndex() + off, len), version));
                off += len;
            }
            return send(runs, fua);
        } finally {
            BlockRun.releaseAll(runs); // each send took its own retained duplicate
            data.release();
        }
    }

    /**
     * Forces every replica (a zero-block fua replicate), unless none was sent a change without FUA
     * since the last such flush at this epoch ({@link ReplicaFlushes}).
     */
    CompletableFuture<Void> flush() {
        OptionalLong due = flushes.due(id, placement);
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return send(List.of(new BlockRun(0, 0, null, BlockVersion.NONE)), true)
                .thenRun(() -> flushes.covered(id, placement, due.getAsLong()));
    }

    /** Ships replication blocks {@code first..first+count-1}, one message of at most 1 MiB at a time. */
    private CompletableFuture<Void> ship(int first, int count, boolean fua) {
        if (count == 0) {
            return CompletableFuture.completedFuture(null);
        }
        int n = Math.min(count, Math.max(1, MESSAGE_BYTES / local.replicationBlockBytes()));
        return local.readBlocks(first, n)
                .thenCompose(runs -> {
                    try {
                        return send(runs, fua);
                    } finally {
                        BlockRun.releaseAll(runs); // each send took its own retained duplicate
                    }
                })
                .thenCompose(v -> ship(first + n, count - n, fua));
    }

    /** Does not take ownership of the runs' buffers. */
    private CompletableFuture<Void> send(List<BlockRun> runs, boolean fua) {
        List<CompletableFuture<Void>> waited = new ArrayList<>();
        for (int r : placement.replicas()) {
            if (r == self) {
                continue;
            }
            CompletableFuture<Void> sent;
            if (runs.size() == 1) {
                sent = replicate(r, runs.get(0), fua); // the common case: one write, one message per replica
            } else {
                List<CompletableFuture<Void>> each = new ArrayList<>(runs.size());
                for (BlockRun run : runs) {
                    each.add(replicate(r, run, fua));
                }
                sent = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
            }
            CompletableFuture<Void> outcome = Deadline.within(sent, timeout)
                    .handle((v, err) -> err == null ? CompletableFuture.<Void>completedFuture(null) : failed(r, err))
                    .thenCompose(f -> f);
            if (!fua) {
                outcome = outcome.whenComplete((v, err) -> flushes.shipped(id)); // before the write completes
            }
            if (placement.inSync(r)) {
                waited.add(outcome);
            }
        }
        return waited.size() == 1 ? waited.get(0) : CompletableFuture.allOf(waited.toArray(CompletableFuture[]::new));
    }

    /** Does not take ownership of {@code run}'s buffer: the peer gets a retained duplicate. */
    private CompletableFuture<Void> replicate(int node, BlockRun run, boolean fua) {
        ReplicaService peer;
        try {
            peer = peers.peer(node);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        ByteBuf data = run.data() == null ? null : run.data().retainedDuplicate();
        try {
            return peer.replicate(id, placement.epoch(), run.first(), run.count(), data, run.version(), fua);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the peer owned the buffer from the call on
        }
    }

    /** A replica did not confirm: deposed primaries give up; otherwise the replica leaves the in-sync set. */
    private CompletableFuture<Void> failed(int node, Throwable err) {
        Throwable cause = unwrap(err);
        if (cause instanceof ReplicaException re && re.kind() == ReplicaException.Kind.STALE_EPOCH) {
            return CompletableFuture.failedFuture(re); // a newer primary exists (architecture.md "Consistency invariants")
        }
        if (!placement.inSync(node)) {
            misses.record(id, node);
            boolean nowInSync = view.placement(id).map(p -> p.inSync(node)).orElse(false);
            if (!nowInSync) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return view.dropFromInSync(id, node, placement.epoch()).handle((p, dropErr) -> {
            if (dropErr != null) {
                throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "replica " + node + " of " + id
                        + " failed and could not be dropped from in-sync", unwrap(dropErr));
            }
            if (p == null || p.epoch() != placement.epoch()) {
                throw new ReplicaException(ReplicaException.Kind.STALE_EPOCH, "epoch of " + id + " moved on");
            }
            if (p.inSync(node)) {
                throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "replica " + node + " of " + id
                        + " failed and is still in sync");
            }
            return null;
        });
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
