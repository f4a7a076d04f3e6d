package io.cairn.store;

import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.block.ThinProvisioning;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.SubUnitReplica;
import io.cairn.replica.VersionSnapshot;
import io.cairn.store.disk.Disk;
import io.cairn.store.oplog.OpLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One sub-unit replica on local disk: its {@link BlockFile} plus its {@link VersionMap}, and the
 * replica's rules over them (architecture.md "Write path"): versions stamped under stripe locks,
 * apply-if-newer, restamp, read-back with versions, digests.
 *
 * <p>Requests run on the I/O lane, forces and whole-copy reads on the sync lane ({@link IoLanes}
 * says which threads those are and why). Every mutation takes the stripe locks of the replication
 * blocks it touches (in ascending stripe order), draws one version (epoch, id) under them, writes
 * data and then records the version: overlapping writes are serialized, so per replication block
 * the recorded version always belongs to the data on disk, and COMPARE AND WRITE (read, compare,
 * write under the same locks) is atomic against every write. {@link #apply} (replica side)
 * compares and records versions under the same locks, so apply-if-newer is atomic per replication
 * block against local writes and other applies.
 *
 * <p>Provisioning: the replication block is also the deallocation granule ({@link Granules});
 * what a deallocated granule means for reads and later writes is {@link Provisioning}'s. Metadata:
 * see VersionMap.
 *
 * <p>Durability (architecture.md "Durability"): every change goes to the block file and the
 * version map (page cache, private mapping) under the change's stripe locks and then, as one
 * record, to the store's {@link OpLog} ({@link Change}) when it is durable (FUA) or when the log is
 * being synced anyway; a write-back write while no one flushes goes to the files alone. A
 * completed write survives kill -9 of this process; a FUA write or a flush completes once the log
 * is durable up to it (one shared {@code fdatasync}, whatever the number of sub-units), and, for a
 * sub-unit holding changes without a record, once its files are forced. The block files and
 * version maps are forced at the log's checkpoints ({@link #forceIfChanged}). Reads come from the
 * block file, never the log. Waits for durability run after the change released its locks.
 */
public final class FileSubUnit implements SubUnitReplica, ThinProvisioning, Closeable {
    /** The largest pattern buffer a WRITE SAME builds, and about the most a digest pass reads under one lock. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final BlockFile file;
    private final VersionMap map;
    private final VersionClock clock;
    private final IoLanes lanes;
    private final BlockGeometry geometry;
    private final int blockSize;
    private final Granules granules;
    private final Provisioning provisioning;
    private final StripeLocks locks = new StripeLocks();
    private final OpLog oplog;
    /** The name records carry, {@code <lunId>/<index>}. */
    private final String name;
    /** Set before a change touches the files, cleared by the checkpoint that forces them. */
    private final AtomicBoolean changed = new AtomicBoolean();
    /** Changes made without a record, and how many of them a finished force covers. */
    private final UnloggedChanges unlogged = new UnloggedChanges();
    /** Highest epoch seen in a write or apply; plain BlockDevice writes are stamped with it. */
    private final AtomicLong epoch = new AtomicLong();

    private FileSubUnit(BlockFile file, VersionMap map, VersionClock clock, IoLanes lanes, OpLog oplog, String name) {
        this.file = file;
        this.oplog = oplog;
        this.name = name;
        this.map = map;
        this.clock = clock;
        this.lanes = lanes;
        this.geometry = file.geometry();
        this.blockSize = geometry.blockSize();
        this.granules = new Granules(map.replicationBlockBytes() / blockSize, geometry.blockCount());
        this.provisioning = new Provisioning(file, map, granules);
        epoch.set(map.maxVersion().epoch());
    }

    /**
     * Opens the sub-unit {@code name} stored in {@code blocksFile}/{@code versionsFile} on
     * {@code disk}, creating both if the version map does not exist yet (the map is created last,
     * so its presence marks a complete creation); its changes go to {@code oplog}.
     * {@code replicationBlockBytes} is used only at creation. Requests run on {@code executor},
     * whole-copy reads on {@code syncExecutor}.
     */
    public static FileSubUnit open(Disk disk, OpLog oplog, String name, Path blocksFile, Path versionsFile,
                                   long blockCount, int blockSize, int replicationBlockBytes, VersionClock clock,
                                   Executor executor, Executor syncExecutor) throws IOException {
        BlockGeometry geometry = new BlockGeometry(blockSize, blockCount);
        IoLanes lanes = new IoLanes(executor, syncExecutor);
        if (disk.exists(versionsFile)) {
            VersionMap map = VersionMap.open(disk, versionsFile);
            BlockFile file = null;
            try {
                checkGeometry(map, blockSize, blockCount);
                file = BlockFile.open(disk, blocksFile, geometry);
                return new FileSubUnit(file, map, clock, lanes, oplog, name);
            } catch (IOException | RuntimeException e) {
                map.close();
                if (file != null) {
                    file.close();
                }
                throw e;
            }
        }
        if (replicationBlockBytes <= 0 || replicationBlockBytes % blockSize != 0) {
            throw new IllegalArgumentException("replication block must be a multiple of the block size");
        }
        BlockFile file = BlockFile.create(disk, blocksFile, geometry);
        try {
            VersionMap map = VersionMap.create(disk, versionsFile,
                    new Granules(replicationBlockBytes / blockSize, blockCount).count(), replicationBlockBytes);
            return new FileSubUnit(file, map, clock, lanes, oplog, name);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static void checkGeometry(VersionMap map, int blockSize, long blockCount) throws IOException {
        int rb = map.replicationBlockBytes();
        if (rb <= 0 || rb % blockSize != 0) {
            throw new IOException("replication block " + rb + " does not fit block size " + blockSize);
        }
        if (map.entryCount() != new Granules(rb / blockSize, blockCount).count()) {
            throw new IOException("version map has " + map.entryCount() + " entries for " + blockCount + " blocks");
        }
    }

    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    @Override
    public int provisioningGranularityBlocks() {
        return granules.blocksPer();
    }

    @Override
    public int replicationBlockBytes() {
        return map.replicationBlockBytes();
    }

    @Override
    public int replicationBlocks() {
        return map.entryCount();
    }

    /** Version of the replication block holding {@code lba}; {@link BlockVersion#NONE} if never written. */
    public BlockVersion versionAt(long lba) {
        return map.version(granules.of(lba));
    }

    /** Reads into a pooled direct buffer that the caller owns and must release. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return lanes.onIo(() -> provisioning.read(lba, blocks));
    }

    /** Takes ownership of {@code data}; it is released when the write completes or fails. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return write(lba, data, fua, epoch.get()).thenApply(v -> null);
    }

    /** Takes ownership of {@code data}; it is released when the write completes or fails. */
    @Override
    public CompletableFuture<BlockVersion> write(long lba, ByteBuf data, boolean fua, long epoch) {
        return mutate(change -> {
            try {
                long blocks = geometry.blocksIn(data.readableBytes());
                geometry.checkRange(lba, blocks);
                if (blocks == 0) {
                    return BlockVersion.NONE;
                }
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    BlockVersion version = stamp(epoch);
                    provisioning.zeroAround(change, lba, blocks);
                    change.write(lba, data, data.readerIndex(), data.readableBytes());
                    change.record(granules.of(lba), granules.of(lba + blocks - 1), version, true);
                    change.commit();
                    return version;
                }
            } finally {
                data.release();
            }
        }, fua, data);
    }

    /**
     * Completes once every change before it is durable: the changes without a record by a force
     * of this sub-unit's files (only if there are any), the others in the log.
     */
    @Override
    public CompletableFuture<Void> flush() {
        if (!unlogged.pending()) {
            return oplog.syncAll();
        }
        return forceWithMark().thenCompose(end -> oplog.syncAll()); // past the mark, whoever appended it
    }

    /** {@link #forceMarked} on the sync lane; completes with the position to sync. */
    private CompletableFuture<Long> forceWithMark() {
        return lanes.onSync(this::forceMarked);
    }

    /** Takes ownership of {@code block}; released when the command completes or fails. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        return writeSame(lba, blocks, block, unmap, fua, epoch.get());
    }

    /** Takes ownership of {@code block}; released when the command completes or fails. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua,
                                             long epoch) {
        return mutate(change -> {
            try {
                if (block.readableBytes() != blockSize) {
                    throw new IllegalArgumentException("write same pattern must be one block");
                }
                geometry.checkRange(lba, blocks);
                if (blocks == 0) {
                    return null;
                }
                if (unmap && isZero(block)) { // SBC-4 5.48: UNMAP=1 lets us deallocate a zero pattern
                    deallocate(change, lba, blocks, epoch);
                } else {
                    writePattern(change, lba, blocks, block, epoch);
                }
                return null;
            } finally {
                block.release();
            }
        }, fua, block);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return unmap(lba, blocks, false, epoch.get());
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks, boolean fua, long epoch) {
        return mutate(change -> {
            geometry.checkRange(lba, blocks);
            if (blocks > 0) {
                deallocate(change, lba, blocks, epoch);
            }
            return null;
        }, fua);
    }

    /** Takes ownership of {@code verify} and {@code write}; both released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        return compareAndWrite(lba, verify, write, fua, epoch.get());
    }

    /** Takes ownership of {@code verify} and {@code write}; both released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua, long epoch) {
        return mutate(change -> {
            try {
                long blocks = geometry.blocksIn(verify.readableBytes());
                if (write.readableBytes() != verify.readableBytes()) {
                    throw new IllegalArgumentException("verify and write data differ in length");
                }
                geometry.checkRange(lba, blocks);
                if (blocks == 0) {
                    return -1L;
                }
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    ByteBuf current = provisioning.read(lba, (int) blocks);
                    try {
                        long mismatch = firstMismatch(current, verify);
                        if (mismatch >= 0) {
                            return mismatch; // SBC-4 5.3: MISCOMPARE, nothing written
                        }
                    } finally {
                        current.release();
                    }
                    BlockVersion version = stamp(epoch);
                    provisioning.zeroAround(change, lba, blocks);
                    change.write(lba, write, write.readerIndex(), write.readableBytes());
                    change.record(granules.of(lba), granules.of(lba + blocks - 1), version, true);
                    change.commit();
                    return -1L;
                }
            } finally {
                verify.release();
                write.release();
            }
        }, fua, verify, write);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        return lanes.onIo(() -> {
            geometry.checkRange(lba, 0);
            return provisioning.status(lba, maxExtents);
        });
    }

    /** Takes ownership of {@code data} (may be null: deallocate); released when the apply completes or fails. */
    @Override
    public CompletableFuture<Integer> apply(int first, int count, ByteBuf data, BlockVersion version, boolean fua) {
        return mutate(change -> {
            try {
                checkBlocks(first, count);
                if (count == 0) {
                    return 0; // with fua: forces what was applied before
                }
                long lba = granules.start(first);
                long blocks = granules.end(first + count - 1) - lba;
                if (data != null && data.readableBytes() != blocks * blockSize) {
                    throw new IllegalArgumentException("replicated data has " + data.readableBytes()
                            + " bytes for " + count + " replication blocks");
                }
                epoch.accumulateAndGet(version.epoch(), Math::max);
                int applied = 0;
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    for (int g = first; g < first + count; g++) {
                        if (!version.newerThan(map.version(g))) {
                            continue; // architecture.md "Write path" 5: apply only when newer
                        }
                        if (data != null) {
                            int off = (int) ((granules.start(g) - lba) * blockSize);
                            int len = (int) ((granules.end(g) - granules.start(g)) * blockSize);
                            change.write(granules.start(g), data, data.readerIndex() + off, len);
                        }
                        change.record(g, g, version, data != null);
                        applied++;
                    }
                    change.commit();
                }
                return applied;
            } finally {
                if (data != null) {
                    data.release();
                }
            }
        }, fua, data == null ? new Object[0] : new Object[] {data});
    }

    @Override
    public CompletableFuture<Void> restamp(int first, int count, long epoch) {
        return mutate(change -> {
            checkBlocks(first, count);
            if (count == 0) {
                return null;
            }
            long lba = granules.start(first);
            try (StripeLocks.Held ignored = lock(lba, granules.end(first + count - 1) - lba)) {
                BlockVersion version = stamp(epoch);
                for (int g = first; g < first + count; g++) {
                    change.record(g, g, version, map.mapped(g));
                }
                change.commit();
            }
            return null;
        }, false);
    }

    /** The runs' buffers belong to the caller. */
    @Override
    public CompletableFuture<List<BlockRun>> readBlocks(int first, int count) {
        return lanes.onIo(() -> {
            checkBlocks(first, count);
            List<BlockRun> runs = new ArrayList<>();
            if (count == 0) {
                return runs;
            }
            long lba = granules.start(first);
            long blocks = granules.end(first + count - 1) - lba;
            try (StripeLocks.Held ignored = lock(lba, blocks)) {
                ByteBuf all = provisioning.read(lba, Math.toIntExact(blocks));
                try {
                    int start = first;
                    for (int g = first + 1; g <= first + count; g++) {
                        if (g == first + count || !map.version(g).equals(map.version(start))
                                || map.mapped(g) != map.mapped(start)) {
                            ByteBuf slice = null;
                            if (map.mapped(start)) {
                                int off = (int) ((granules.start(start) - lba) * blockSize);
                                int len = (int) ((granules.end(g - 1) - granules.start(start)) * blockSize);
                                slice = all.retainedSlice(off, len);
                            }
                            runs.add(new BlockRun(start, g - start, slice, map.version(start)));
                            start = g;
                        }
                    }
                    return runs;
                } catch (RuntimeException e) {
                    BlockRun.releaseAll(runs);
                    throw e;
                } finally {
                    all.release();
                }
            }
        });
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions() {
        return lanes.onIo(map::snapshot);
    }

    /** Versions of replication blocks {@code first..first+count-1}, re-indexed from 0 (DR shipping compares them). */
    public CompletableFuture<VersionSnapshot> versions(int first, int count) {
        return lanes.onIo(() -> map.snapshot(first, count));
    }

    @Override
    public CompletableFuture<long[]> digests() {
        return lanes.onSync(() -> { // reads the whole copy: kept off the event loops
            int n = map.entryCount();
            long[] digests = new long[n];
            int step = Math.max(1, CHUNK_BYTES / map.replicationBlockBytes());
            for (int first = 0; first < n; first += step) {
                int count = Math.min(step, n - first);
                long lba = granules.start(first);
                long blocks = granules.end(first + count - 1) - lba;
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    ByteBuf all = provisioning.read(lba, Math.toIntExact(blocks));
                    try {
                        for (int g = first; g < first + count; g++) {
                            if (map.mapped(g)) {
                                int off = (int) ((granules.start(g) - lba) * blockSize);
                                int len = (int) ((granules.end(g) - granules.start(g)) * blockSize);
                                CRC32C crc = new CRC32C();
                                crc.update(all.nioBuffer(off, len));
                                digests[g] = crc.getValue();
                            }
                        }
                    } finally {
                        all.release();
                    }
                }
            }
            return digests;
        });
    }

    /**
     * Forces the block file and version map if a change touched them since the last call: the
     * log's checkpoint (FileOpLog), which trims the log only once this has returned.
     */
    void forceIfChanged() throws IOException {
        if (changed.getAndSet(false)) {
            forceMarked();
        }
    }

    /** Forces and closes the files; the version clock and the log belong to the store and stay open. */
    @Override
    public void close() throws IOException {
        try {
            if (file.isOpen()) {
                force();
                map.markClean();
            }
        } finally {
            try {
                file.close();
            } finally {
                map.close();
            }
        }
    }

    // --- changes under the stripe locks ---

    private void writePattern(Change change, long lba, long blocks, ByteBuf block, long epoch) throws IOException {
        int chunkBlocks = (int) Math.min(blocks, Math.max(1, CHUNK_BYTES / blockSize));
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(chunkBlocks * blockSize);
        try {
            for (int i = 0; i < chunkBlocks; i++) {
                chunk.writeBytes(block, block.readerIndex(), blockSize);
            }
            try (StripeLocks.Held ignored = lock(lba, blocks)) {
                BlockVersion version = stamp(epoch);
                provisioning.zeroAround(change, lba, blocks);
                for (long off = 0; off < blocks; off += chunkBlocks) {
                    int n = (int) Math.min(chunkBlocks, blocks - off);
                    change.write(lba + off, chunk, 0, n * blockSize);
                }
                change.record(granules.of(lba), granules.of(lba + blocks - 1), version, true);
                change.commit();
            }
        } finally {
            chunk.release();
        }
    }

    /** Deallocates under the locks with a new version: see {@link Provisioning#deallocate}. */
    private void deallocate(Change change, long lba, long blocks, long epoch) throws IOException {
        try (StripeLocks.Held ignored = lock(lba, blocks)) {
            provisioning.deallocate(change, lba, blocks, stamp(epoch));
            change.commit();
        }
    }

    /**
     * A new version for a change under the caller's stripe locks: drawn under them, so the versions
     * recorded for one replication block only grow.
     */
    private BlockVersion stamp(long requested) {
        epoch.accumulateAndGet(requested, Math::max);
        return new BlockVersion(requested, clock.next());
    }

    private void force() throws IOException {
        map.force(file::force); // data before the map: the map must never claim data that was lost
    }

    /** Waits for every change running now to commit: takes every stripe lock once (see Change#note). */
    void barrier() {
        try (StripeLocks.Held ignored = locks.lock(0, map.entryCount() - 1)) {
            // nothing: holding them all is the barrier
        }
    }

    /** Forces the files, with a forced mark if needed ({@link UnloggedChanges#forceMarked}). */
    private long forceMarked() throws IOException {
        return unlogged.forceMarked(this::force, oplog, name);
    }

    // --- checks, locks, lanes ---

    private void checkBlocks(int first, int count) {
        if (first < 0 || count < 0 || first > map.entryCount() || count > map.entryCount() - first) {
            throw new IllegalArgumentException("replication blocks " + first + "+" + count + " outside "
                    + map.entryCount());
        }
    }

    private static boolean isZero(ByteBuf b) {
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            if (b.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    static long firstMismatch(ByteBuf current, ByteBuf verify) {
        int n = verify.readableBytes();
        for (int i = 0; i < n; i++) {
            if (current.getByte(current.readerIndex() + i) != verify.getByte(verify.readerIndex() + i)) {
                return i;
            }
        }
        return -1;
    }

    private StripeLocks.Held lock(long lba, long blocks) {
        return locks.lock(granules.of(lba), granules.of(lba + blocks - 1));
    }

    /** A mutation: given its {@link Change}, which it commits under its locks. */
    private interface Mutation<T> {
        T run(Change change) throws IOException;
    }

    /**
     * A change on the I/O lane ({@code owned} as {@link IoLanes#onIo}), then, if {@code durable},
     * a wait for the log to be durable up to its record, or, if it made none ({@link Change}), for
     * a force of this sub-unit: after the change released its locks, so the wait never holds up
     * other writes. A change that is not durable is logged only while the store's log is being
     * synced (someone flushes or writes with FUA: the flush then costs one shared fdatasync);
     * otherwise it goes to the files alone, as a disk's write cache would keep it, and the next
     * flush forces the sub-units that hold such changes.
     */
    private <T> CompletableFuture<T> mutate(Mutation<T> task, boolean durable, Object... owned) {
        Change change = new Change(file, map, name, oplog, changed, unlogged, durable,
                durable || oplog.syncedRecently());
        CompletableFuture<T> done = lanes.onIo(() -> task.run(change), owned);
        if (!durable) {
            return done;
        }
        return done.thenCompose(value -> {
            // logged: its record; else (forced instead, or no change: everything before it) a flush
            CompletableFuture<Void> made = change.end() > 0 && !change.needsForce()
                    ? oplog.sync(change.end()) : flush();
            return made.thenApply(v -> value);
        });
    }
}
