package io.cairn.replica;

import io.cairn.block.BlockDevice;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One copy of a sub-unit that takes part in replication (architecture.md "Write path"): a block device
 * whose every replication block carries the {@link BlockVersion} of its last change.
 *
 * <p>Primary side: the epoch-taking mutations stamp each changed replication block with
 * {@code (epoch, next id of the node's clock)}, the id drawn under the block's lock so that per
 * block versions only grow. The plain {@link BlockDevice} mutations do the same with the highest
 * epoch this copy has seen. {@link #readBlocks} then reads the changed blocks back, each with the
 * version that belongs to its content, for shipping (a write of whole replication blocks may ship its
 * own data with the version {@link #write} returned instead).
 *
 * <p>Replica side: {@link #apply} writes a replication block only if the given version is newer
 * than the stored one, atomically per block, so a reordered, repeated or resumed stream converges.
 *
 * <p>Buffer ownership as in {@link BlockDevice}: methods take ownership of buffers passed in;
 * buffers in returned values belong to the caller.
 */
public interface SubUnitReplica extends BlockDevice {

    /** Bytes per replication block (a multiple of the block size; the last block may be short). */
    int replicationBlockBytes();

    /** Number of replication blocks. */
    int replicationBlocks();

    /**
     * As {@link BlockDevice#write}, stamped with {@code epoch}; completes with the version every
     * changed replication block now carries ({@link BlockVersion#NONE} when no block was written),
     * so a write covering whole replication blocks can be shipped as it is, without reading back.
     */
    CompletableFuture<BlockVersion> write(long lba, ByteBuf data, boolean fua, long epoch);

    CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua, long epoch);

    CompletableFuture<Void> unmap(long lba, long blocks, boolean fua, long epoch);

    /** As {@link BlockDevice#compareAndWrite}, stamped with {@code epoch}. */
    CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua, long epoch);

    /**
     * Applies {@code count} replication blocks from {@code first}: {@code data} holds their bytes
     * (the sub-unit's bytes of those blocks, so the last block of the sub-unit may be short), or is
     * null to deallocate them. Each block is written only if {@code version} is newer than its
     * stored one. Takes ownership of {@code data}. Completes with the number of blocks applied,
     * durable if {@code fua}. A {@code count} of 0 with {@code fua} forces what was applied before.
     */
    CompletableFuture<Integer> apply(int first, int count, ByteBuf data, BlockVersion version, boolean fua);

    /**
     * Gives replication blocks {@code first..first+count-1} a new version at {@code epoch} without
     * changing their content or mapped state, atomically per block against every other change.
     * A resync uses it to override a replica's copy of a block that an earlier primary changed and
     * never got acknowledged (architecture.md "Failure handling": that write may be lost, a copy may
     * not differ from the primary's).
     */
    CompletableFuture<Void> restamp(int first, int count, long epoch);

    /**
     * Reads replication blocks {@code first..first+count-1} with their versions, atomically per
     * block, as runs of consecutive blocks sharing one version and mapped state. The caller owns
     * the runs' buffers (release with {@link BlockRun#release}).
     */
    CompletableFuture<List<BlockRun>> readBlocks(int first, int count);

    /** Version of every replication block. */
    CompletableFuture<VersionSnapshot> versions();

    /** Per replication block: CRC32C of its content, 0 for a deallocated block; index-aligned with {@link #versions}. */
    CompletableFuture<long[]> digests();

    /**
     * Consecutive replication blocks with one version, ready to ship: {@code data} holds their
     * bytes (owned by whoever holds the run), or is null when they are deallocated.
     */
    record BlockRun(int first, int count, ByteBuf data, BlockVersion version) {
        public void release() {
            if (data != null) {
                data.release();
            }
        }

        public static void releaseAll(List<BlockRun> runs) {
            for (BlockRun r : runs) {
                r.release();
            }
        }
    }
}
