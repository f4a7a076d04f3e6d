package io.cairn.store;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.VersionSnapshot;
import java.io.Closeable;
import java.io.IOException;
import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Per sub-unit map from replication block (a fixed number of bytes of the block file; 64 KiB by
 * default, 4 KiB for cluster stores) to the {@link BlockVersion} of its last update, plus whether
 * the block is mapped (provisioned). A resync compares these entries to copy only what changed;
 * GET LBA STATUS reads the mapped bits.
 *
 * <p>On-disk format 2 (big-endian), file {@code <index>.versions} next to the block file:
 * <pre>
 *   0  magic "CAIRNVM1" (8 bytes; the magic names the file kind, the next field its format)
 *   8  format version (int, 2)
 *  12  replication block size in bytes (int)
 *  16  entry count n (long)
 *  24  flags (long; zero in files written before they were used): bit 0 OPEN, set when the
 *      map is opened and cleared by a clean close, so found set at open it says the last run
 *      ended in a crash; bit 1 STALE_HOLES, set for good at such an open: an entry never written
 *      may then cover bytes a lost write left in the block file (its data reached the disk,
 *      its entry did not), so a write that maps it again zeroes the rest (Provisioning)
 *  32  n entries of 16 bytes: epoch (long), version id (long); 0/0 = never written
 *  32+16n  ceil(n/8) bytes: mapped bitmap, bit (i % 8) of byte (i / 8) set = entry i mapped
 * </pre>
 * Format 1 (single-node releases) is the same with 8-byte entries holding only the version id. It
 * is read as epoch 0 and upgraded to format 2 when opened: the new file is written beside it,
 * forced, then renamed over it, so a crash leaves either the complete old or the complete new file.
 * A deallocated block keeps the version of the unmap that deallocated it, so a resync sees the
 * unmap as a change.
 *
 * <p>Memory: the file is mapped privately (copy on write; in segments of at most 1 GiB, since one
 * mapping is limited to 2 GiB), so the Java heap does not grow with capacity: pages never changed
 * are the file's, in the page cache; a changed page is this process's own memory from then on.
 * Size per GiB of sub-unit: 4 MiB + 32 KiB at 4 KiB replication blocks, 256 KiB + 2 KiB at 64 KiB.
 *
 * <p>Durability: {@link #record} changes only the private mapping: nothing recorded reaches the
 * file until {@link #force}, which takes the changed pages, has the caller force the block file,
 * and only then writes them to the file and forces it. <b>So an entry on disk never claims data
 * that is not on disk</b>: a version or a mapped bit written back ahead of its data would make a
 * block read as bytes it no longer holds (the stale bytes a deallocation leaves, or an older
 * version) after a power cut. Between forces the entries are in the operation log
 * (architecture.md "Durability"), which replays them. An entry is two aligned longs in one page:
 * it never straddles a segment.
 */
public final class VersionMap implements Closeable {
    static final byte[] MAGIC = {'C', 'A', 'I', 'R', 'N', 'V', 'M', '1'};
    static final int FORMAT_VERSION = 2;
    static final int HEADER_BYTES = 32;
    static final int ENTRY_BYTES = 16;
    static final int FORMAT_1_ENTRY_BYTES = 8;
    static final long SEGMENT_BYTES = 1L << 30;
    public static final int DEFAULT_REPLICATION_BLOCK_BYTES = 64 * 1024;

    private final DiskFile file;
    private final int replicationBlockBytes;
    private final int entries;
    private final ByteBuffer[] segments;
    /** Pages (of {@link #PAGE_BYTES}) of the file changed since the last {@link #force}; guarded by this. */
    private final java.util.BitSet dirty = new java.util.BitSet();
    static final int PAGE_BYTES = 4096;
    static final int FLAGS_OFFSET = 24;
    static final long OPEN = 1;
    static final long STALE_HOLES = 2;
    private long flags;

    private VersionMap(DiskFile file, int replicationBlockBytes, int entries) throws IOException {
        this.file = file;
        this.replicationBlockBytes = replicationBlockBytes;
        this.entries = entries;
        long size = fileBytes(entries, ENTRY_BYTES);
        int count = (int) ((size + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
        this.segments = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long start = i * SEGMENT_BYTES;
            segments[i] = file.mapPrivate(start, Math.min(SEGMENT_BYTES, size - start));
        }
    }

    /** Creates a new format-2 map of {@code entries} unwritten entries; fails if the file exists. */
    public static VersionMap create(Path path, long entries, int replicationBlockBytes) throws IOException {
        return create(Disk.local(), path, entries, replicationBlockBytes);
    }

    /** As above, on {@code disk}. */
    public static VersionMap create(Disk disk, Path path, long entries, int replicationBlockBytes) throws IOException {
        checkCount(entries);
        DiskFile ch = disk.createNew(path);
        try {
            writeEmpty(ch, (int) entries, replicationBlockBytes);
            VersionMap map = new VersionMap(ch, replicationBlockBytes, (int) entries);
            map.writeFlags(OPEN);
            return map;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Opens an existing map (format 1 is upgraded to format 2 first) and maps it. */
    public static VersionMap open(Path path) throws IOException {
        return open(Disk.local(), path);
    }

    /** As above, on {@code disk}. */
    public static VersionMap open(Disk disk, Path path) throws IOException {
        DiskFile ch = disk.open(path);
        try {
            ByteBuffer header = ch.readFully(0, HEADER_BYTES);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a version map: " + path);
            }
            int format = header.getInt();
            int blockBytes = header.getInt();
            long n = header.getLong();
            int entryBytes = switch (format) {
                case 1 -> FORMAT_1_ENTRY_BYTES;
                case 2 -> ENTRY_BYTES;
                default -> throw new IOException("unsupported version map format " + format + ": " + path);
            };
            if (n < 0 || n > Integer.MAX_VALUE - 8 || ch.size() < fileBytes((int) n, entryBytes)) {
                throw new IOException("truncated version map: " + path);
            }
            long flags = format == 2 ? header.getLong(FLAGS_OFFSET) : 0;
            if (format == 1) {
                ch.close();
                upgradeFormat1(disk, path, blockBytes, (int) n);
                ch = disk.open(path);
            }
            VersionMap map = new VersionMap(ch, blockBytes, (int) n);
            map.writeFlags((flags & OPEN) != 0 ? flags | STALE_HOLES | OPEN : flags | OPEN);
            return map;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Rewrites a format-1 file as format 2 (epoch 0) beside it, forces it, then renames it over. */
    private static void upgradeFormat1(Disk disk, Path path, int blockBytes, int n) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".upgrade");
        disk.delete(tmp);
        try (DiskFile old = disk.open(path); DiskFile neu = disk.createNew(tmp)) {
            writeEmpty(neu, n, blockBytes);
            int batch = 64 * 1024;
            for (int i = 0; i < n; i += batch) {
                int k = Math.min(batch, n - i);
                ByteBuffer ids = old.readFully(HEADER_BYTES + (long) FORMAT_1_ENTRY_BYTES * i, 8 * k);
                ByteBuffer out = ByteBuffer.allocate(ENTRY_BYTES * k);
                for (int j = 0; j < k; j++) {
                    out.putLong(0).putLong(ids.getLong());
                }
                neu.writeFully(out.flip(), HEADER_BYTES + (long) ENTRY_BYTES * i);
            }
            ByteBuffer bitmap = old.readFully(HEADER_BYTES + (long) FORMAT_1_ENTRY_BYTES * n, bitmapBytes(n));
            neu.writeFully(bitmap, HEADER_BYTES + (long) ENTRY_BYTES * n);
            neu.force(true);
        }
        disk.move(tmp, path); // atomic, and durable with its directory
    }

    private static void writeEmpty(DiskFile ch, int n, int replicationBlockBytes) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(FORMAT_VERSION)
                .putInt(replicationBlockBytes).putLong(n).putLong(0).flip();
        ch.writeFully(header, 0);
        long size = fileBytes(n, ENTRY_BYTES);
        if (size > HEADER_BYTES) {
            ch.writeFully(ByteBuffer.allocate(1), size - 1); // sparse: entries read as zero
        }
        ch.force(true);
    }

    public int replicationBlockBytes() {
        return replicationBlockBytes;
    }

    public int entryCount() {
        return entries;
    }

    public synchronized BlockVersion version(int entry) {
        long pos = entryPosition(entry);
        long epoch = getLong(pos);
        long id = getLong(pos + 8);
        return epoch == 0 && id == 0 ? BlockVersion.NONE : new BlockVersion(epoch, id);
    }

    public synchronized boolean mapped(int entry) {
        checkEntry(entry);
        return (getByte(bitmapPosition(entry)) & (1 << (entry & 7))) != 0;
    }

    /** Largest version recorded ({@link BlockVersion#NONE} if none); scans the mapping, not the heap. */
    public synchronized BlockVersion maxVersion() {
        BlockVersion max = BlockVersion.NONE;
        for (int i = 0; i < entries; i++) {
            BlockVersion v = version(i);
            if (v.newerThan(max)) {
                max = v;
            }
        }
        return max;
    }

    /**
     * Records {@code version} and the mapped state for entries {@code first..last} (inclusive)
     * in the mapping. Synchronized: bitmap bytes are shared by neighbouring entries.
     */
    public synchronized void record(int first, int last, BlockVersion version, boolean isMapped) {
        checkEntry(first);
        checkEntry(last);
        for (int i = first; i <= last; i++) {
            long pos = entryPosition(i);
            putLong(pos, version.epoch());
            putLong(pos + 8, version.id());
            long bit = bitmapPosition(i);
            byte b = getByte(bit);
            putByte(bit, (byte) (isMapped ? b | (1 << (i & 7)) : b & ~(1 << (i & 7))));
        }
    }

    /** A copy of every entry, for resync and verification (heap-sized: transient, per request). */
    public synchronized VersionSnapshot snapshot() {
        return snapshot(0, entries);
    }

    /** A copy of entries {@code first..first+count-1}, re-indexed from 0; a range outside the map is refused. */
    public synchronized VersionSnapshot snapshot(int first, int count) {
        if (first < 0 || count < 0 || first > entries || count > entries - first) {
            throw new IllegalArgumentException("replication blocks " + first + "+" + count + " outside " + entries);
        }
        long[] epochs = new long[count];
        long[] ids = new long[count];
        boolean[] bits = new boolean[count];
        for (int i = 0; i < count; i++) {
            BlockVersion v = version(first + i);
            epochs[i] = v.epoch();
            ids[i] = v.id();
            bits[i] = mapped(first + i);
        }
        return new VersionSnapshot(replicationBlockBytes, epochs, ids, bits);
    }

    /** Work that may fail with an I/O error: forcing the data the entries describe. */
    public interface DataForce {
        void run() throws IOException;
    }

    /**
     * Makes every entry recorded before the call durable: takes a copy of the changed pages, runs
     * {@code forceData} (the caller forces the block file: every entry in the copy describes data
     * written before it was recorded, so before the copy), then writes the copy to the file and
     * forces it. On failure the pages stay marked changed.
     */
    public void force(DataForce forceData) throws IOException {
        java.util.List<Run> runs = new java.util.ArrayList<>();
        java.util.BitSet taken;
        synchronized (this) {
            taken = (java.util.BitSet) dirty.clone();
            dirty.clear();
            long size = fileBytes(entries, ENTRY_BYTES);
            for (int p = taken.nextSetBit(0); p >= 0; ) {
                // a run of changed pages, within one segment and at most RUN_PAGES long
                int last = p;
                while (last + 1 - p < RUN_PAGES && taken.get(last + 1)
                        && (long) (last + 1) * PAGE_BYTES % SEGMENT_BYTES != 0) {
                    last++;
                }
                // never the header: its flags are written by writeFlags alone, and this mapping's
                // copy of them is as old as the mapping
                long start = Math.max((long) p * PAGE_BYTES, HEADER_BYTES);
                int len = (int) (Math.min((long) (last + 1) * PAGE_BYTES, size) - start);
                if (len > 0) {
                    byte[] copy = new byte[len];
                    segments[(int) (start / SEGMENT_BYTES)].get((int) (start % SEGMENT_BYTES), copy);
                    runs.add(new Run(start, copy));
                }
                p = taken.nextSetBit(last + 1);
            }
        }
        try {
            forceData.run();
            for (Run r : runs) {
                file.writeFully(ByteBuffer.wrap(r.bytes()), r.start());
            }
            file.force(false);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                dirty.or(taken);
            }
            throw e;
        }
    }

    /** Changed bytes to write at {@code start}. */
    private record Run(long start, byte[] bytes) {
    }

    /** The most pages one write of {@link #force} carries (1 MiB). */
    private static final int RUN_PAGES = 256;

    /**
     * Whether an entry never written may cover stale bytes in the block file (the map was found
     * open after a crash once; see the format): then its data region is not known to be a hole.
     */
    public synchronized boolean staleHoles() {
        return (flags & STALE_HOLES) != 0;
    }

    /**
     * Marks the map closed cleanly; the caller has forced the block file and this map ({@link
     * #force}) just before, with no change since.
     */
    public void markClean() throws IOException {
        writeFlags(flags & ~OPEN);
    }

    private synchronized void writeFlags(long value) throws IOException {
        file.writeFully(ByteBuffer.allocate(8).putLong(0, value), FLAGS_OFFSET);
        file.force(false);
        flags = value;
    }

    /** Closes the file; the mapping is released by the garbage collector (Java cannot unmap). */
    @Override
    public void close() throws IOException {
        file.close();
    }

    private long entryPosition(int entry) {
        checkEntry(entry);
        return HEADER_BYTES + (long) ENTRY_BYTES * entry;
    }

    private long bitmapPosition(int entry) {
        return HEADER_BYTES + (long) ENTRY_BYTES * entries + (entry >>> 3);
    }

    private void checkEntry(int entry) {
        if (entry < 0 || entry >= entries) {
            throw new IndexOutOfBoundsException("entry " + entry + " of " + entries);
        }
    }

    private long getLong(long pos) {
        return segments[(int) (pos / SEGMENT_BYTES)].getLong((int) (pos % SEGMENT_BYTES));
    }

    private void putLong(long pos, long value) {
        dirty.set((int) (pos / PAGE_BYTES));
        segments[(int) (pos / SEGMENT_BYTES)].putLong((int) (pos % SEGMENT_BYTES), value);
    }

    private byte getByte(long pos) {
        return segments[(int) (pos / SEGMENT_BYTES)].get((int) (pos % SEGMENT_BYTES));
    }

    private void putByte(long pos, byte value) {
        dirty.set((int) (pos / PAGE_BYTES));
        segments[(int) (pos / SEGMENT_BYTES)].put((int) (pos % SEGMENT_BYTES), value);
    }

    private static void checkCount(long entries) {
        if (entries < 0 || entries > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("entry count out of range: " + entries);
        }
    }

    private static long fileBytes(int n, int entryBytes) {
        return HEADER_BYTES + (long) entryBytes * n + bitmapBytes(n);
    }

    private static int bitmapBytes(int n) {
        return (n + 7) >>> 3;
    }
}
