package io.cairn.testkit.replica;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.block.ThinProvisioning;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.SubUnitReplica;
import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * A sub-unit held in a heap array, for tests of everything above the block device: the one
 * in-memory {@link BlockDevice} of the testkit. Same semantics as the store's file-backed sub-unit
 * (FileSubUnit): deallocation in whole granules, zeros on read (LBPRZ), every operation atomic (one
 * monitor), buffer ownership as {@link BlockDevice} documents. Nothing is durable; what the SCSI
 * layer asked to make durable is counted ({@link #flushes}, {@link #fuaWrites}) for its tests.
 * Versions as {@link SubUnitReplica} documents, the granule being the replication block; ids come
 * from the given supplier (a local counter by default).
 * Operations run on the given executor ({@code Runnable::run} completes them on the caller).
 */
public final class MemorySubUnit implements SubUnitReplica, ThinProvisioning {
    private final BlockGeometry geometry;
    private final int granuleBlocks;
    private final Executor executor;
    private final byte[] data;
    private final boolean[] mapped;
    private final BlockVersion[] versions;
    private final LongSupplier ids;
    private long epoch;
    private int flushes;
    private int fuaWrites;

    public MemorySubUnit(long blockCount, int blockSize, int granuleBlocks, Executor executor) {
        this(blockCount, blockSize, granuleBlocks, executor, new AtomicLong()::incrementAndGet);
    }

    public MemorySubUnit(long blockCount, int blockSize, int granuleBlocks, Executor executor, LongSupplier ids) {
        if (granuleBlocks < 1) {
            throw new IllegalArgumentException("granule must be positive");
        }
        this.geometry = new BlockGeometry(blockSize, blockCount);
        this.granuleBlocks = granuleBlocks;
        this.executor = executor;
        this.data = new byte[Math.toIntExact(geometry.bytes())];
        this.mapped = new boolean[Math.toIntExact((blockCount + granuleBlocks - 1) / granuleBlocks)];
        this.versions = new BlockVersion[mapped.length];
        Arrays.fill(versions, BlockVersion.NONE);
        this.ids = ids;
    }

    /** A device whose operations complete on the caller's thread, with 1-block granules. */
    public MemorySubUnit(long blockCount, int blockSize) {
        this(blockCount, blockSize, 1, Runnable::run);
    }

    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    @Override
    public int provisioningGranularityBlocks() {
        return granuleBlocks;
    }

    /** Flushes completed so far. */
    private volatile boolean writeCache = true;

    /** Whether this device reports a volatile write cache ({@link #writeCache()}); true unless set. */
    public void setWriteCache(boolean value) {
        writeCache = value;
    }

    @Override
    public boolean writeCache() {
        return writeCache;
    }

    public synchronized int flushes() {
        return flushes;
    }

    /** WRITEs with FUA completed so far (epoch-stamped or not; not WRITE SAME or COMPARE AND WRITE). */
    public synchronized int fuaWrites() {
        return fuaWrites;
    }

    /** A copy of the bytes of block {@code lba}, for assertions. */
    public synchronized byte[] block(long lba) {
        geometry.checkRange(lba, 1);
        return Arrays.copyOfRange(data, off(lba), off(lba + 1));
    }

    /** Returns a heap copy that the caller owns and must release. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return submit(() -> {
            synchronized (this) {
                geometry.checkRange(lba, blocks);
                return Unpooled.copiedBuffer(data, off(lba), blocks * geometry.blockSize());
            }
        });
    }

    /** Takes ownership of {@code buf}; released when the write completes or fails. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf buf, boolean fua) {
        return write(lba, buf, fua, -1).thenApply(v -> null);
    }

    /** Takes ownership of {@code buf}; released when the write completes or fails. */
    @Override
    public CompletableFuture<BlockVersion> write(long lba, ByteBuf buf, boolean fua, long epoch) {
        return submit(() -> {
            try {
                synchronized (this) {
                    long blocks = geometry.blocksIn(buf.readableBytes());
                    geometry.checkRange(lba, blocks);
                    if (blocks == 0) {
                        return BlockVersion.NONE;
                    }
                    BlockVersion version = stamp(epoch);
                    put(lba, buf, version);
                    if (fua) {
                        fuaWrites++;
                    }
                    return version;
                }
            } finally {
                buf.release();
            }
        }, buf);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return submit(() -> {
            synchronized (this) {
                flushes++;
            }
            return null;
        });
    }

    /** Takes ownership of {@code block}; released when the command completes or fails. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        return writeSame(lba, blocks, block, unmap, fua, -1);
    }

    /** Takes ownership of {@code block}; released when the command completes or fails. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua,
                                             long epoch) {
        return submit(() -> {
            try {
                if (block.readableBytes() != geometry.blockSize()) {
                    throw new IllegalArgumentException("write same pattern must be one block");
                }
                synchronized (this) {
                    geometry.checkRange(lba, blocks);
                    BlockVersion v = stamp(epoch);
                    if (unmap && isZero(block)) { // SBC-4 5.48
                        deallocate(lba, blocks, v);
                    } else {
                        for (long b = lba; b < lba + blocks; b++) {
                            put(b, block, v);
                        }
                    }
                }
                return null;
            } finally {
                block.release();
            }
        }, block);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return unmap(lba, blocks, false, -1);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks, boolean fua, long epoch) {
        return submit(() -> {
            synchronized (this) {
                geometry.checkRange(lba, blocks);
                deallocate(lba, blocks, stamp(epoch));
            }
            return null;
        });
    }

    /** Takes ownership of {@code verify} and {@code write}; both released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        return compareAndWrite(lba, verify, write, fua, -1);
    }

    /** Takes ownership of {@code verify} and {@code write}; both released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua, long epoch) {
        return submit(() -> {
            try {
                if (verify.readableBytes() != write.readableBytes()) {
                    throw new IllegalArgumentException("verify and write data differ in length");
                }
                synchronized (this) {
                    long blocks = geometry.blocksIn(verify.readableBytes());
                    geometry.checkRange(lba, blocks);
                    int base = off(lba);
                    for (int i = 0; i < verify.readableBytes(); i++) {
                        if (data[base + i] != verify.getByte(verify.readerIndex() + i)) {
                            return (long) i; // SBC-4 5.3: MISCOMPARE, nothing written
                        }
                    }
                    put(lba, write, stamp(epoch));
                    return -1L;
                }
            } finally {
                verify.release();
                write.release();
            }
        }, verify, write);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        return submit(() -> {
            synchronized (this) {
                geometry.checkRange(lba, 0);
                List<LbaExtent> extents = new ArrayList<>();
                long pos = lba;
                while (pos < geometry.blockCount() && extents.size() < maxExtents) {
                    boolean m = mapped[granule(pos)];
                    long end = granuleEnd(granule(pos));
                    while (end < geometry.blockCount() && mapped[granule(end)] == m) {
                        end = granuleEnd(granule(end));
                    }
                    extents.add(new LbaExtent(pos, end - pos, m));
                    pos = end;
                }
                return extents;
            }
        });
    }

    @Override
    public int replicationBlockBytes() {
        return granuleBlocks * geometry.blockSize();
    }

    @Override
    public int replicationBlocks() {
        return mapped.length;
    }

    /** Takes ownership of {@code src} (null: deallocate); released when the apply completes or fails. */
    @Override
    public CompletableFuture<Integer> apply(int first, int count, ByteBuf src, BlockVersion version, boolean fua) {
        return submit(() -> {
            try {
                synchronized (this) {
                    checkBlocks(first, count);
                    if (count == 0) {
                        return 0;
                    }
                    long lba = (long) first * granuleBlocks;
                    long end = granuleEnd(first + count - 1);
                    if (src != null && src.readableBytes() != (end - lba) * geometry.blockSize()) {
                        throw new IllegalArgumentException("replicated data does not fill the blocks");
                    }
                    epoch = Math.max(epoch, version.epoch());
                    int applied = 0;
                    for (int g = first; g < first + count; g++) {
                        if (!version.newerThan(versions[g])) {
                            continue; // architecture.md "Write path" 5: apply only when newer
                        }
                        long start = (long) g * granuleBlocks;
                        int len = (int) ((granuleEnd(g) - start) * geometry.blockSize());
                        if (src != null) {
                            src.getBytes(src.readerIndex() + off(start - lba), data, off(start), len);
                        } else {
                            Arrays.fill(data, off(start), off(start) + len, (byte) 0);
                        }
                        mapped[g] = src != null;
                        versions[g] = version;
                        applied++;
                    }
                    return applied;
                }
            } finally {
                if (src != null) {
                    src.release();
                }
            }
        }, src == null ? new Object[0] : new Object[] {src});
    }

    @Override
    public CompletableFuture<Void> restamp(int first, int count, long epoch) {
        return submit(() -> {
            synchronized (this) {
                checkBlocks(first, count);
                if (count > 0) {
                    BlockVersion version = stamp(epoch);
                    for (int g = first; g < first + count; g++) {
                        versions[g] = version;
                    }
                }
            }
            return null;
        });
    }

    /** The runs' buffers belong to the caller. */
    @Override
    public CompletableFuture<List<BlockRun>> readBlocks(int first, int count) {
        return submit(() -> {
            synchronized (this) {
                checkBlocks(first, count);
                List<BlockRun> runs = new ArrayList<>();
                int start = first;
                for (int g = first + 1; g <= first + count && count > 0; g++) {
                    if (g == first + count || !versions[g].equals(versions[start]) || mapped[g] != mapped[start]) {
                        long lba = (long) start * granuleBlocks;
                        ByteBuf copy = mapped[start] ? Unpooled.copiedBuffer(data, off(lba),
                                (int) ((granuleEnd(g - 1) - lba) * geometry.blockSize())) : null;
                        runs.add(new BlockRun(start, g - start, copy, versions[start]));
                        start = g;
                    }
                }
                return runs;
            }
        });
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions() {
        return submit(() -> {
            synchronized (this) {
                int n = versions.length;
                long[] epochs = new long[n];
                long[] idArray = new long[n];
                for (int i = 0; i < n; i++) {
                    epochs[i] = versions[i].epoch();
                    idArray[i] = versions[i].id();
                }
                return new VersionSnapshot(replicationBlockBytes(), epochs, idArray, mapped.clone());
            }
        });
    }

    @Override
    public CompletableFuture<long[]> digests() {
        return submit(() -> {
            synchronized (this) {
                long[] digests = new long[mapped.length];
                for (int g = 0; g < mapped.length; g++) {
                    if (mapped[g]) {
                        long start = (long) g * granuleBlocks;
                        CRC32C crc = new CRC32C();
                        crc.update(data, off(start), (int) ((granuleEnd(g) - start) * geometry.blockSize()));
                        digests[g] = crc.getValue();
                    }
                }
                return digests;
            }
        });
    }

    /** A version for a change made under the monitor; -1 means the highest epoch seen. */
    private BlockVersion stamp(long requested) {
        epoch = Math.max(epoch, requested);
        return new BlockVersion(requested < 0 ? epoch : requested, ids.getAsLong());
    }

    private void put(long lba, ByteBuf src, BlockVersion v) {
        int n = src.readableBytes();
        src.getBytes(src.readerIndex(), data, off(lba), n);
        if (n > 0) {
            long last = lba + n / geometry.blockSize() - 1;
            for (int g = granule(lba); g <= granule(last); g++) {
                mapped[g] = true;
                versions[g] = v;
            }
        }
    }

    private void checkBlocks(int first, int count) {
        if (first < 0 || count < 0 || first > mapped.length || count > mapped.length - first) {
            throw new IllegalArgumentException("replication blocks " + first + "+" + count + " out of range");
        }
    }

    private void deallocate(long lba, long blocks, BlockVersion v) {
        Arrays.fill(data, off(lba), off(lba + blocks), (byte) 0); // LBPRZ: zeros from now on
        for (long pos = lba, end = lba + blocks; pos < end; ) {
            int g = granule(pos);
            long next = Math.min(end, granuleEnd(g));
            if (pos == (long) g * granuleBlocks && next == granuleEnd(g)) {
                mapped[g] = false;
                versions[g] = v;
            } else if (mapped[g]) {
                versions[g] = v; // zeroed part of a mapped granule: a change to ship
            }
            pos = next;
        }
    }

    private int granule(long lba) {
        return (int) (lba / granuleBlocks);
    }

    private long granuleEnd(int g) {
        return Math.min(geometry.blockCount(), (long) (g + 1) * granuleBlocks);
    }

    private int off(long lba) {
        return (int) (lba * geometry.blockSize());
    }

    private static boolean isZero(ByteBuf b) {
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            if (b.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private <T> CompletableFuture<T> submit(Supplier<T> task, Object... owned) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(task.get());
                } catch (BlockDeviceException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new BlockDeviceException(
                            BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(e.getMessage()), e));
                }
            });
        } catch (RejectedExecutionException e) {
            for (Object o : owned) {
                ReferenceCountUtil.safeRelease(o);
            }
            result.completeExceptionally(new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE,
                    "executor refused the request", e));
        }
        return result;
    }
}
