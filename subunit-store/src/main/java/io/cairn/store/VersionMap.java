package io.cairn.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Per sub-unit map from replication block (a fixed number of bytes of the block file, 64 KiB by
 * default) to the version id of its last update, plus whether the block is mapped (provisioned).
 * A resync compares these entries to copy only what changed; GET LBA STATUS reads the mapped bits.
 *
 * <p>On-disk format (big-endian), file {@code <index>.versions} next to the block file:
 * <pre>
 *   0  magic "CAIRNVM1" (8 bytes)
 *   8  format version (int, currently 1)
 *  12  replication block size in bytes (int)
 *  16  entry count n (long)
 *  24  reserved (8 bytes, zero)
 *  32  n entries of 8 bytes: version id of the last update; 0 = never written
 *  32+8n  ceil(n/8) bytes: mapped bitmap, bit (i % 8) of byte (i / 8) set = entry i mapped
 * </pre>
 * A deallocated block keeps the version of the unmap that deallocated it, so a resync sees the
 * unmap as a change. Size: 8 bytes + 1 bit per replication block, i.e. 130 KiB of file and heap
 * per GiB of sub-unit at 64 KiB replication blocks.
 *
 * <p>Durability: {@link #record} writes into the page cache (survives a crash of the process);
 * {@link #force} makes every recorded entry durable. Callers write data before recording its
 * version, so after a process crash the map never claims a version whose data is missing.
 */
public final class VersionMap implements Closeable {
    static final byte[] MAGIC = {'C', 'A', 'I', 'R', 'N', 'V', 'M', '1'};
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 32;
    public static final int DEFAULT_REPLICATION_BLOCK_BYTES = 64 * 1024;

    private final FileChannel file;
    private final int replicationBlockBytes;
    private final long[] versions;
    private final byte[] mapped;

    private VersionMap(FileChannel file, int replicationBlockBytes, long[] versions, byte[] mapped) {
        this.file = file;
        this.replicationBlockBytes = replicationBlockBytes;
        this.versions = versions;
        this.mapped = mapped;
    }

    /** Creates a new map of {@code entries} unwritten entries; fails if the file exists. */
    public static VersionMap create(Path path, long entries, int replicationBlockBytes) throws IOException {
        if (entries < 0 || entries > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("entry count out of range: " + entries);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            int n = (int) entries;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(FORMAT_VERSION)
                    .putInt(replicationBlockBytes).putLong(n).putLong(0).flip();
            writeFully(ch, header, 0);
            ByteBuffer end = ByteBuffer.allocate(1);
            long size = HEADER_BYTES + 8L * n + bitmapBytes(n);
            if (size > HEADER_BYTES) {
                writeFully(ch, end, size - 1);
            }
            ch.force(true);
            return new VersionMap(ch, replicationBlockBytes, new long[n], new byte[bitmapBytes(n)]);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Opens an existing map and loads it into memory. */
    public static VersionMap open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = readFully(ch, 0, HEADER_BYTES);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a version map: " + path);
            }
            int format = header.getInt();
            if (format != FORMAT_VERSION) {
                throw new IOException("unsupported version map format " + format + ": " + path);
            }
            int blockBytes = header.getInt();
            long n = header.getLong();
            if (n < 0 || n > Integer.MAX_VALUE - 8 || ch.size() < HEADER_BYTES + 8 * n + bitmapBytes((int) n)) {
                throw new IOException("truncated version map: " + path);
            }
            long[] versions = new long[(int) n];
            readFully(ch, HEADER_BYTES, 8 * (int) n).asLongBuffer().get(versions);
            byte[] mapped = new byte[bitmapBytes((int) n)];
            readFully(ch, HEADER_BYTES + 8 * n, mapped.length).get(mapped);
            return new VersionMap(ch, blockBytes, versions, mapped);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public int replicationBlockBytes() {
        return replicationBlockBytes;
    }

    public int entryCount() {
        return versions.length;
    }

    public synchronized long version(int entry) {
        return versions[entry];
    }

    public synchronized boolean mapped(int entry) {
        return (mapped[entry >>> 3] & (1 << (entry & 7))) != 0;
    }

    /** Largest version id recorded (0 if none): a resync's starting point, a clock's sanity check. */
    public synchronized long maxVersion() {
        long max = 0;
        for (long v : versions) {
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * Records {@code version} and the mapped state for entries {@code first..last} (inclusive),
     * in memory and in the file's page cache. Synchronized: bitmap bytes are shared by entries.
     */
    public synchronized void record(int first, int last, long version, boolean isMapped) throws IOException {
        int count = last - first + 1;
        ByteBuffer entries = ByteBuffer.allocate(8 * count);
        for (int i = first; i <= last; i++) {
            versions[i] = version;
            entries.putLong(version);
            if (isMapped) {
                mapped[i >>> 3] |= (byte) (1 << (i & 7));
            } else {
                mapped[i >>> 3] &= (byte) ~(1 << (i & 7));
            }
        }
        writeFully(file, entries.flip(), HEADER_BYTES + 8L * first);
        int firstByte = first >>> 3;
        int lastByte = last >>> 3;
        writeFully(file, ByteBuffer.wrap(mapped, firstByte, lastByte - firstByte + 1),
                HEADER_BYTES + 8L * versions.length + firstByte);
    }

    /** Makes every recorded entry durable. */
    public void force() throws IOException {
        file.force(false);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private static int bitmapBytes(int n) {
        return (n + 7) >>> 3;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of version map");
            }
        }
        return b.flip();
    }
}
