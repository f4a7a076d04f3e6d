package io.cairn.replica;

import io.cairn.block.LbaExtent;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One store node as gateways and peer stores see it, in-process or through the block protocol.
 * Addresses are logical blocks relative to the start of the sub-unit. Every request carries the
 * epoch the caller believes current; a node refuses an older one ({@link ReplicaException.Kind#STALE_EPOCH})
 * and learns a newer one. Failures complete the future with a {@link ReplicaException}.
 *
 * <p>Buffer ownership as in {@link io.cairn.block.BlockDevice}: methods take ownership of the
 * buffers passed in; returned buffers belong to the caller.
 *
 * <p>Gateway to primary: read, write, writeSame, unmap, flush, compareAndWrite, lbaStatus. The
 * primary gives each changed replication block a new version, makes it durable locally and on
 * every in-sync replica (sending it to replicas being resynced too), and only then completes.
 *
 * <p>Primary to replica: replicate (apply only if newer), versions (for resync), verify.
 */
public interface ReplicaService {

    CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks);

    CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua);

    CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                      boolean unmap, boolean fua);

    CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks);

    CompletableFuture<Void> flush(SubUnitId id, long epoch);

    /** Completes with -1 on success, else the byte offset of the first mismatch (nothing written). */
    CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                            boolean fua);

    CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents);

    /**
     * Applies whole replication blocks from the primary: {@code data} holds {@code count} consecutive
     * replication blocks starting at replication block {@code first} (null: they are deallocated),
     * each at {@code version}. A block is applied only if {@code version} is newer than the one
     * held, so a stream that is reordered, repeated or resumed converges. Completes when durable
     * as {@code fua} asks.
     */
    CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                      BlockVersion version, boolean fua);

    /** The versions this node holds for the sub-unit (creating an empty replica if it has none yet). */
    CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch);

    /** Versions and content digests of this node's copy. */
    CompletableFuture<Verification> verify(SubUnitId id);
}
