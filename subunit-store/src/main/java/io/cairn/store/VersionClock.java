package io.cairn.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import java.nio.file.Path;

/**
 * Version ids unique on this node without coordination: {@code id = nodeId << 48 | counter}.
 *
 * <p>Rule: a counter value is handed out only below a high-water mark that is already durable in
 * the clock file ("reserved up to N", forced before any id below N is used). At open the counter
 * resumes at the stored mark and a new mark is reserved, so no id handed out before a crash
 * (kill -9 or power loss) is ever handed out again; a restart skips at most one batch.
 *
 * <p>File format (16 bytes, big-endian): magic {@code 0x43564B31} ("CVK1"), format version (int,
 * currently 1), reserved mark (long, exclusive upper bound of counters that may have been used).
 * The mark is rewritten in place and forced; an aligned 8-byte write does not tear on one sector.
 *
 * <p>Ids of one node increase with time; ids of different nodes are not ordered by this class.
 */
public final class VersionClock implements Closeable {
    public static final int COUNTER_BITS = 48;
    public static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    static final int MAGIC = 0x43564B31;
    static final int FORMAT_VERSION = 1;
    static final long DEFAULT_BATCH = 1L << 16;

    private final int nodeId;
    private final DiskFile file;
    private final long batch;
    private long next;
    private long reserved;

    private VersionClock(int nodeId, DiskFile file, long batch, long start) {
        this.nodeId = nodeId;
        this.file = file;
        this.batch = batch;
        this.next = start;
        this.reserved = start;
    }

    /** Opens (or creates) the clock file with the default reservation batch. */
    public static VersionClock open(Path path, int nodeId) throws IOException {
        return open(Disk.local(), path, nodeId, DEFAULT_BATCH);
    }

    /** Opens (or creates) the clock file; {@code batch} ids are reserved per durable write. */
    public static VersionClock open(Path path, int nodeId, long batch) throws IOException {
        return open(Disk.local(), path, nodeId, batch);
    }

    /** Opens (or creates) the clock file on {@code disk} with the default reservation batch. */
    public static VersionClock open(Disk disk, Path path, int nodeId) throws IOException {
        return open(disk, path, nodeId, DEFAULT_BATCH);
    }

    /** As above, on {@code disk}. */
    public static VersionClock open(Disk disk, Path path, int nodeId, long batch) throws IOException {
        if (nodeId < 0 || nodeId > 0xFFFF) {
            throw new IllegalArgumentException("node id must fit 16 bits: " + nodeId);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive");
        }
        DiskFile ch = disk.exists(path) ? disk.open(path) : disk.createNew(path);
        try {
            long start = 1; // counter 0 is never used: version 0 means "never written"
            if (ch.size() > 0) {
                ByteBuffer b = ByteBuffer.allocate(16);
                while (b.hasRemaining() && ch.read(b, b.position()) >= 0) { }
                b.flip();
                if (b.remaining() < 16 || b.getInt() != MAGIC) {
                    throw new IOException("not a version clock file: " + path);
                }
                int format = b.getInt();
                if (format != FORMAT_VERSION) {
                    throw new IOException("unsupported version clock format " + format + ": " + path);
                }
                start = Math.max(1, b.getLong());
            }
            VersionClock clock = new VersionClock(nodeId, ch, batch, start);
            clock.reserve();
            return clock;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Next version id; reserves (durably) a new batch first when the current one is used up. */
    public synchronized long next() {
        if (next >= reserved) {
            try {
                reserve();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reserve version ids", e);
            }
        }
        return ((long) nodeId << COUNTER_BITS) | next++;
    }

    public int nodeId() {
        return nodeId;
    }

    public static int nodeOf(long version) {
        return (int) (version >>> COUNTER_BITS);
    }

    public static long counterOf(long version) {
        return version & COUNTER_MASK;
    }

    private void reserve() throws IOException {
        long mark = next + batch;
        if (mark > COUNTER_MASK) {
            throw new IOException("version counter exhausted on node " + nodeId);
        }
        ByteBuffer b = ByteBuffer.allocate(16).putInt(MAGIC).putInt(FORMAT_VERSION).putLong(mark).flip();
        while (b.hasRemaining()) {
            file.write(b, b.position());
        }
        file.force(true); // the mark must be durable before any id below it is handed out
        reserved = mark;
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
