package io.cairn.store;

import io.cairn.block.ThinProvisioning;
import io.cairn.replica.SubUnitReplica;
import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sub-unit replica on local disk: a sparse block file plus its {@link VersionMap}.
 *
 * <p>Reads and writes run on the injected I/O executor (which may be the caller's thread: a store
 * serving from page cache does its I/O on its event loops, see StoreCommand), forces on the sync
 * executor (never the caller's: an fsync takes milliseconds). Every mutation takes
 * the stripe locks of the replication blocks it touches (in ascending stripe order), draws one
 * version (epoch, id) under them, writes data and then records the version: overlapping writes are
 * serialized, so per replication block the recorded version always belongs to the data on disk,
 * and COMPARE AND WRITE (read, compare, write under the same locks) is atomic against every write.
 * {@link #apply} (replica side) compares and records versions under the same locks, so
 * apply-if-newer is atomic per replication block against local writes and other applies.
 *
 * <p>Provisioning: the replication block is also the deallocation granule. A deallocated granule
 * keeps stale bytes in the file (Java cannot punch holes) but reads as zeros, because reads
 * overlay zeros on unmapped granules (LBPRZ=1, SBC-4 4.7.4.5). The first write that covers an
 * unmapped granule only partly writes zeros around its data first. Metadata: see VersionMap.
 *
 * <p>Durability: a completed write without FUA is in the page cache (survives kill -9 of this
 * process); a FUA write or flush forces the block file, then the version map, before completing.
 * The force runs after the write released its locks: it makes durable what the write wrote, or
 * what a later write to the same blocks replaced it with, which SBC-4 allows (the later content
 * is what a read returns).
 */
public final class FileSubUnit implements SubUnitReplica, ThinProvisioning, Closeable {
    private static final int CHUNK_BYTES = 1 << 20;
    /** The page cache's unit: a write call should not end inside a page it does not also start in. */
    private static final int PAGE_BYTES = 4096;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final FileChannel data;
    private final VersionMap map;
    private final VersionClock clock;
    private final Executor executor;
    private final Executor syncExecutor;
    private final BlockGeometry geometry;
    private final int blockSize;
    private final long blockCount;
    private final int granuleBlocks;
    private final StripeLocks locks = new StripeLocks();
    /** Highest epoch seen in a write or apply; plain BlockDevice writes are stamped with it. */
    private final AtomicLong epoch = new AtomicLong();

    private FileSubUnit(FileChannel data, VersionMap map, VersionClock clock, Executor executor,
                        Executor syncExecutor, BlockGeometry geometry) {
        this.data = data;
        this.map = map;
        this.clock = clock;
        this.executor = executor;
        this.syncExecutor = syncExecutor;
        this.geometry = geometry;
        this.blockSize = geometry.blockSize();
        this.blockCount = geometry.blockCount();
        this.granuleBlocks = map.replicationBlockBytes() / blockSize;
        epoch.set(map.maxVersion().epoch());
    }

    /**
     * Opens the sub-unit stored in {@code blocksFile}/{@code versionsFile}, creating both if the
     * version map does not exist yet (the map is created last, so its presence marks a complete
     * creation). {@code replicationBlockBytes} is used only at creation.
     */
    public static FileSubUnit open(Path blocksFile, Path versionsFile, long blockCount, int blockSize,
                                   int replicationBlockBytes, VersionClock clock, Executor executor)
            throws IOException {
        return open(blocksFile, versionsFile, blockCount, blockSize, replicationBlockBytes, clock, executor, executor);
    }

    /** As above, with forces (FUA, flush) on {@code syncExecutor}. */
    public static FileSubUnit open(Path blocksFile, Path versionsFile, long blockCount, int blockSize,
                                   int replicationBlockBytes, VersionClock clock, Executor executor,
                                   Executor syncExecutor) throws IOException {
        BlockGeometry geometry = new BlockGeometry(blockSize, blockCount);
        long bytes = geometry.bytes();
        if (Files.exists(versionsFile)) {
            VersionMap map = VersionMap.open(versionsFile);
            FileChannel ch = null;
            try {
                ch = FileChannel.open(blocksFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
                checkGeometry(map, blockSize, blockCount);
                if (ch.size() != bytes) {
                    throw new IOException("block file " + blocksFile + " has " + ch.size() + " bytes, expected " + bytes);
                }
                return new FileSubUnit(ch, map, clock, executor, syncExecutor, geometry);
            } catch (IOException | RuntimeException e) {
                map.close();
                if (ch != null) {
                    ch.close();
                }
                throw e;
            }
        }
        if (replicationBlockBytes <= 0 || replicationBlockBytes % blockSize != 0) {
            throw new IllegalArgumentException("replication block must be a multiple of the block size");
        }
        FileChannel ch = FileChannel.open(blocksFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ch.write(ByteBuffer.allocate(1), bytes - 1); // sparse: only the last byte is allocated
            ch.force(true);
            long granule = replicationBlockBytes / blockSize;
            VersionMap map = VersionMap.create(versionsFile, (blockCount + granule - 1) / granule,
                    replicationBlockBytes);
            return new FileSubUnit(ch, map, clock, executor, syncExecutor, geometry);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void checkGeometry(VersionMap map, int blockSize, long blockCount) throws IOException {
        int rb = map.replicationBlockBytes();
        if (rb <= 0 || rb % blockSize != 0) {
            throw new IOException("replication block " + rb + " does not fit block size " + blockSize);
        }
        long granule = rb / blockSize;
        if (map.entryCount() != (blockCount + granule - 1) / granule) {
            throw new IOException("version map has " + map.entryCount() + " entries for " + blockCount + " blocks");
        }
    }

    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    @Override
    public int provisioningGranularityBlocks() {
        return granuleBlocks;
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
        return map.version(granule(lba));
    }

    /** Reads into a pooled direct buffer that the caller owns and must release. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return submit(() -> readRange(lba, blocks));
    }

    /** Takes ownership of {@code data}; it is released when the write completes or fails. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return write(lba, data, fua, epoch.get()).thenApply(v -> null);
    }

    /** Takes ownership of {@code data}; it is released when the write completes or fails. */
    @Override
    public CompletableFuture<BlockVersion> write(long lba, ByteBuf data, boolean fua, long epoch) {
        return mutate(() -> {
            try {
                long blocks = geometry.blocksIn(data.readableBytes());
                geometry.checkRange(lba, blocks);
                if (blocks == 0) {
                    return BlockVersion.NONE;
                }
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    BlockVersion version = stamp(epoch);
                    zeroFillEdges(lba, blocks);
                    writeData(lba, data, data.readerIndex(), data.readableBytes());
                    map.record(granule(lba), granule(lba + blocks - 1), version, true);
                    return version;
                }
            } finally {
                data.release();
            }
        }, fua, data);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return forced(null);
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
        return mutate(() -> {
            try {
                if (block.readableBytes() != blockSize) {
                    throw new IllegalArgumentException("write same pattern must be one block");
                }
                geometry.checkRange(lba, blocks);
                if (blocks == 0) {
                    return null;
                }
                if (unmap && isZero(block)) { // SBC-4 5.48: UNMAP=1 lets us deallocate a zero pattern
                    deallocate(lba, blocks, epoch);
                } else {
                    writePattern(lba, blocks, block, epoch);
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
        return mutate(() -> {
            geometry.checkRange(lba, blocks);
            if (blocks > 0) {
                deallocate(lba, blocks, epoch);
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
        return mutate(() -> {
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
                    ByteBuf current = readRange(lba, (int) blocks);
                    try {
                        long mismatch = firstMismatch(current, verify);
                        if (mismatch >= 0) {
                            return mismatch; // SBC-4 5.3: MISCOMPARE, nothing written
                        }
                    } finally {
                        current.release();
                    }
                    BlockVersion version = stamp(epoch);
                    zeroFillEdges(lba, blocks);
                    writeData(lba, write, write.readerIndex(), write.readableBytes());
                    map.record(granule(lba), granule(lba + blocks - 1), version, true);
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
        return submit(() -> {
            geometry.checkRange(lba, 0);
            List<LbaExtent> extents = new ArrayList<>();
            long pos = lba;
            while (pos < blockCount && extents.size() < maxExtents) {
                boolean mapped = map.mapped(granule(pos));
                long end = granuleEnd(granule(pos));
                while (end < blockCount && map.mapped(granule(end)) == mapped) {
                    end = granuleEnd(granule(end));
                }
                extents.add(new LbaExtent(pos, end - pos, mapped));
                pos = end;
            }
            return extents;
        });
    }

    /** Takes ownership of {@code data} (may be null: deallocate); released when the apply completes or fails. */
    @Override
    public CompletableFuture<Integer> apply(int first, int count, ByteBuf data, BlockVersion version, boolean fua) {
        return mutate(() -> {
            try {
                checkBlocks(first, count);
                if (count == 0) {
                    return 0; // with fua: forces what was applied before
                }
                long lba = granuleStart(first);
                long blocks = granuleEnd(first + count - 1) - lba;
                if (data != null && data.readableBytes() != blocks * blockSize) {
                    throw new IllegalArgumentException("replicated data has " + data.readableBytes()
                            + " bytes for " + count + " replication blocks");
                }
                epoch.accumulateAndGet(version.epoch(), Math::max);
                int applied = 0;
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    for (int g = first; g < first + count; g++) {
                        if (!version.newerThan(map.version(g))) {
                            continue; // design.md "Write path" 4: apply only when newer
                        }
                        if (data != null) {
                            int off = (int) ((granuleStart(g) - lba) * blockSize);
                            int len = (int) ((granuleEnd(g) - granuleStart(g)) * blockSize);
                            writeData(granuleStart(g), data, data.readerIndex() + off, len);
                        }
                        map.record(g, g, version, data != null);
                        applied++;
                    }
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
        return submit(() -> {
            checkBlocks(first, count);
            if (count == 0) {
                return null;
            }
            long lba = granuleStart(first);
            try (StripeLocks.Held ignored = lock(lba, granuleEnd(first + count - 1) - lba)) {
                BlockVersion version = stamp(epoch);
                for (int g = first; g < first + count; g++) {
                    map.record(g, g, version, map.mapped(g));
                }
            }
            return null;
        });
    }

    /** The runs' buffers belong to the caller. */
    @Override
    public CompletableFuture<List<BlockRun>> readBlocks(int first, int count) {
        return submit(() -> {
            checkBlocks(first, count);
            List<BlockRun> runs = new ArrayList<>();
            if (count == 0) {
                return runs;
            }
            long lba = granuleStart(first);
            long blocks = granuleEnd(first + count - 1) - lba;
            try (StripeLocks.Held ignored = lock(lba, blocks)) {
                ByteBuf all = readRange(lba, Math.toIntExact(blocks));
                try {
                    int start = first;
                    for (int g = first + 1; g <= first + count; g++) {
                        if (g == first + count || !map.version(g).equals(map.version(start))
                                || map.mapped(g) != map.mapped(start)) {
                            ByteBuf slice = null;
                            if (map.mapped(start)) {
                                int off = (int) ((granuleStart(start) - lba) * blockSize);
                                int len = (int) ((granuleEnd(g - 1) - granuleStart(start)) * blockSize);
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
        return submit(map::snapshot);
    }

    @Override
    public CompletableFuture<long[]> digests() {
        return run(syncExecutor, () -> { // reads the whole copy: kept off the event loops
            int n = map.entryCount();
            long[] digests = new long[n];
            int step = Math.max(1, CHUNK_BYTES / map.replicationBlockBytes());
            for (int first = 0; first < n; first += step) {
                int count = Math.min(step, n - first);
                long lba = granuleStart(first);
                long blocks = granuleEnd(first + count - 1) - lba;
                try (StripeLocks.Held ignored = lock(lba, blocks)) {
                    ByteBuf all = readRange(lba, Math.toIntExact(blocks));
                    try {
                        for (int g = first; g < first + count; g++) {
                            if (map.mapped(g)) {
                                int off = (int) ((granuleStart(g) - lba) * blockSize);
                                int len = (int) ((granuleEnd(g) - granuleStart(g)) * blockSize);
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

    /** Forces and closes the files; the version clock belongs to the store and stays open. */
    @Override
    public void close() throws IOException {
        try {
            if (data.isOpen()) {
                force();
            }
        } finally {
            try {
                data.close();
            } finally {
                map.close();
            }
        }
    }

    // --- I/O under the caller's locks ---

    private ByteBuf readRange(long lba, int blocks) throws IOException {
        geometry.checkRange(lba, blocks);
        int len = Math.multiplyExact(blocks, blockSize);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(len, len);
        boolean done = false;
        try {
            ByteBuffer nio = buf.nioBuffer(0, len);
            long base = lba * blockSize;
            while (nio.hasRemaining()) {
                if (data.read(nio, base + nio.position()) < 0) {
                    throw new IOException("block file shorter than the sub-unit");
                }
            }
            // LBPRZ: deallocated granules read as zeros whatever the file still holds
            for (long pos = lba, end = lba + blocks; pos < end; ) {
                long next = Math.min(end, granuleEnd(granule(pos)));
                if (!map.mapped(granule(pos))) {
                    buf.setZero((int) ((pos - lba) * blockSize), (int) ((next - pos) * blockSize));
                }
                pos = next;
            }
            buf.writerIndex(len);
            done = true;
            return buf;
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }

    private void writePattern(long lba, long blocks, ByteBuf block, long epoch) throws IOException {
        int chunkBlocks = (int) Math.min(blocks, Math.max(1, CHUNK_BYTES / blockSize));
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(chunkBlocks * blockSize);
        try {
            for (int i = 0; i < chunkBlocks; i++) {
                chunk.writeBytes(block, block.readerIndex(), blockSize);
            }
            try (StripeLocks.Held ignored = lock(lba, blocks)) {
                BlockVersion version = stamp(epoch);
                zeroFillEdges(lba, blocks);
                for (long off = 0; off < blocks; off += chunkBlocks) {
                    int n = (int) Math.min(chunkBlocks, blocks - off);
                    writeData(lba + off, chunk, 0, n * blockSize);
                }
                map.record(granule(lba), granule(lba + blocks - 1), version, true);
            }
        } finally {
            chunk.release();
        }
    }

    /** Deallocates fully covered granules; zeroes the covered part of partly covered mapped ones. */
    private void deallocate(long lba, long blocks, long epoch) throws IOException {
        long end = lba + blocks;
        int g0 = granule(lba);
        int g1 = granule(end - 1);
        try (StripeLocks.Held ignored = lock(lba, blocks)) {
            BlockVersion version = stamp(epoch);
            int firstFull = lba == granuleStart(g0) ? g0 : g0 + 1;
            int lastFull = end == granuleEnd(g1) ? g1 : g1 - 1;
            if (firstFull <= lastFull) {
                map.record(firstFull, lastFull, version, false);
            }
            if (firstFull != g0) {
                zeroPartial(g0, lba, Math.min(end, granuleEnd(g0)), version);
            }
            if (lastFull != g1 && (g1 != g0 || firstFull == g0)) {
                zeroPartial(g1, Math.max(lba, granuleStart(g1)), end, version);
            }
        }
    }

    private void zeroPartial(int g, long from, long to, BlockVersion version) throws IOException {
        if (map.mapped(g)) { // an unmapped granule reads as zeros already
            writeZeros(from, to - from);
            map.record(g, g, version, true);
        }
    }

    /** Before data lands in an unmapped granule, zero the rest of it so it reads as zeros once mapped. */
    private void zeroFillEdges(long lba, long blocks) throws IOException {
        long end = lba + blocks;
        int g0 = granule(lba);
        int g1 = granule(end - 1);
        if (lba > granuleStart(g0) && holdsStaleBytes(g0)) {
            writeZeros(granuleStart(g0), lba - granuleStart(g0));
        }
        if (end < granuleEnd(g1) && holdsStaleBytes(g1)) {
            writeZeros(end, granuleEnd(g1) - end);
        }
    }

    /**
     * A deallocated granule reads as zeros only through the read overlay; once a write maps it
     * again, the rest of it must really be zeros. A granule never written (version 0) is still a
     * hole in the sparse file and needs nothing.
     */
    private boolean holdsStaleBytes(int granule) {
        return !map.mapped(granule) && !map.version(granule).equals(BlockVersion.NONE);
    }

    private void writeZeros(long lba, long blocks) throws IOException {
        long pos = lba * blockSize;
        long remaining = blocks * blockSize;
        while (remaining > 0) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(remaining, z.capacity()));
            remaining -= z.remaining();
            pos = writeFully(z, pos);
        }
    }

    /**
     * Writes {@code length} bytes of {@code buf} from {@code index} at {@code lba}. Data received from
     * the network arrives in pieces that end wherever a socket read ended; a piece written by a call of
     * its own that ends inside a page covers part of that page, and a page not in the page cache must
     * then be read from disk before the call can return (on this event loop). So each page a piece
     * ends inside is written from a copy of its bytes (at most one page per piece); everything else
     * is written from the pieces as they are.
     */
    private void writeData(long lba, ByteBuf buf, int index, int length) throws IOException {
        long start = lba * blockSize;
        ByteBuffer[] pieces = buf.nioBuffers(index, length);
        int written = 0;
        int cut = 0;
        ByteBuf page = null;
        try {
            for (int i = 0; i < pieces.length - 1; i++) {
                cut += pieces[i].remaining();
                long inPage = (start + cut) % PAGE_BYTES;
                // The page around the cut, clipped to this write; skipped if an earlier cut's copy covered it.
                int from = (int) Math.max(written, cut - inPage);
                int to = (int) Math.min(length, cut - inPage + PAGE_BYTES);
                if (inPage == 0 || to <= written) {
                    continue;
                }
                writePieces(start, buf, index, written, from); // no cut inside a page in between
                if (page == null) {
                    page = PooledByteBufAllocator.DEFAULT.directBuffer(PAGE_BYTES, PAGE_BYTES);
                }
                page.clear().writeBytes(buf, index + from, to - from);
                writeFully(page.nioBuffer(), start + from);
                written = to;
            }
            writePieces(start, buf, index, written, length);
        } finally {
            if (page != null) {
                page.release();
            }
        }
    }

    /** Writes bytes {@code from..to-1} of the data at {@code index} in {@code buf}, piece by piece. */
    private void writePieces(long start, ByteBuf buf, int index, int from, int to) throws IOException {
        if (from == to) {
            return;
        }
        long pos = start + from;
        for (ByteBuffer b : buf.nioBuffers(index + from, to - from)) {
            pos = writeFully(b, pos);
        }
    }

    private long writeFully(ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += data.write(b, pos);
        }
        return pos;
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
        data.force(false); // data before the map: the map must never claim data that was lost
        map.force();
    }

    // --- geometry, locks, plumbing ---

    private int granule(long lba) {
        return (int) (lba / granuleBlocks);
    }

    private long granuleStart(int g) {
        return (long) g * granuleBlocks;
    }

    private long granuleEnd(int g) {
        return Math.min(blockCount, (long) (g + 1) * granuleBlocks);
    }

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
        return locks.lock(granule(lba), granule(lba + blocks - 1));
    }

    private interface IoTask<T> {
        T run() throws IOException;
    }

    /** A change: as {@link #submit(IoTask, Object...)}, then, if {@code force}, forces before completing. */
    private <T> CompletableFuture<T> mutate(IoTask<T> task, boolean force, Object... owned) {
        CompletableFuture<T> done = submit(task, owned);
        return force ? done.thenCompose(this::forced) : done;
    }

    /** Forces the block file and the version map on the sync executor, then completes with {@code value}. */
    private <T> CompletableFuture<T> forced(T value) {
        return run(syncExecutor, () -> {
            force();
            return value;
        });
    }

    /** Runs {@code task} on the I/O executor; releases {@code owned} if the executor refuses it. */
    private <T> CompletableFuture<T> submit(IoTask<T> task, Object... owned) {
        return run(executor, task, owned);
    }

    private <T> CompletableFuture<T> run(Executor executor, IoTask<T> task, Object... owned) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (Throwable t) {
                    result.completeExceptionally(failure(t));
                }
            });
        } catch (RejectedExecutionException e) {
            for (Object o : owned) {
                ReferenceCountUtil.safeRelease(o);
            }
            result.completeExceptionally(new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE,
                    "sub-unit executor refused the request", e));
        }
        return result;
    }

    private static BlockDeviceException failure(Throwable t) {
        if (t instanceof BlockDeviceException b) {
            return b;
        }
        if (t instanceof ClosedChannelException) {
            return new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE, "sub-unit is closed", t);
        }
        return new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(t.getMessage()), t);
    }
}
