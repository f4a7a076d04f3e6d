package io.cairn.store.oplog;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation log's files in its directory, in {@link OpLogFormat}: reading the segments back
 * (replay after a crash, cutting a torn tail), beginning a segment, and the spare segments kept
 * ready (zero-filled ahead, or trimmed ones renamed) so that a segment is always written in place.
 * Spare files are named {@code spare-<n>.seg} once whole (filled as {@code spare-<n>.seg.filling});
 * a spare of the wrong size is deleted, never used.
 */
final class SegmentFiles {
    private static final Logger log = LoggerFactory.getLogger(SegmentFiles.class);
    static final String SPARE = "spare-";
    /** The suffix of a spare being filled; such a file left by a crash is deleted at open. */
    static final String FILLING = ".filling";
    private static final int MAX_SPARES = 2;

    private final Disk disk;
    private final Path dir;
    private final long segmentBytes;
    /** Guarded by itself. */
    private final Deque<Path> spares = new ArrayDeque<>();
    private volatile int spareNames;

    SegmentFiles(Disk disk, Path dir, long segmentBytes) {
        this.disk = disk;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    Path path(long start) {
        return dir.resolve(OpLogFormat.segmentName(start));
    }

    /** The start positions of the segments in the directory, oldest first. */
    List<Long> starts() throws IOException {
        List<Long> starts = new ArrayList<>();
        for (String name : disk.list(dir)) {
            long start = OpLogFormat.segmentStart(name);
            if (start >= 0) {
                starts.add(start);
            }
        }
        return starts;
    }

    /**
     * Reads every record of every segment, oldest first, into {@code replay}; cuts a torn tail of
     * the newest segment (truncated there, so that it ends cleanly once a newer one exists).
     * Fails if an older segment is corrupt or does not follow on. {@code seen} gets every whole
     * record, also those a forced mark makes obsolete (the change source needs them all).
     */
    Recovery replay(Consumer<LogRecord> replay, Consumer<LogRecord> seen) throws IOException {
        // first which records the forced marks make obsolete, then the others, in order
        java.util.Map<String, Long> forced = new java.util.HashMap<>();
        read((end, r) -> {
            for (LogRecord.Effect e : r.effects()) {
                if (e instanceof LogRecord.Forced f) {
                    forced.merge(r.subUnit(), f.position(), Math::max);
                }
            }
        }, false);
        long[] applied = {0};
        Recovery read = read((end, r) -> {
            seen.accept(r);
            if (end > forced.getOrDefault(r.subUnit(), Long.MIN_VALUE)) {
                replay.accept(r);
                applied[0]++;
            }
        }, true);
        return new Recovery(applied[0], read.from(), read.to(), read.cut());
    }

    private interface Sink {
        void accept(long end, LogRecord record);
    }

    /** Reads every record, oldest first; with {@code repair}, cuts a torn tail (see {@link #replay}). */
    private Recovery read(Sink replay, boolean repair) throws IOException {
        List<Long> starts = starts();
        long from = starts.isEmpty() ? 0 : starts.get(0);
        long lsn = from;
        long records = 0;
        String cut = null;
        for (int i = 0; i < starts.size(); i++) {
            boolean newest = i == starts.size() - 1;
            Path path = path(starts.get(i));
            if (starts.get(i) != lsn) {
                throw new IOException("operation log segment " + path + " does not follow on from position " + lsn);
            }
            try (DiskFile file = disk.open(path)) {
                long size = file.size();
                String bad = size < OpLogFormat.SEGMENT_HEADER_BYTES ? "short segment header"
                        : OpLogFormat.checkSegmentHeader(file.readFully(0, OpLogFormat.SEGMENT_HEADER_BYTES), lsn);
                long pos = OpLogFormat.SEGMENT_HEADER_BYTES;
                while (bad == null && size - pos >= OpLogFormat.RECORD_HEADER_BYTES) {
                    ByteBuffer header = file.readFully(pos, OpLogFormat.RECORD_HEADER_BYTES);
                    OpLogFormat.Header kind = OpLogFormat.header(header, lsn);
                    if (kind == OpLogFormat.Header.END) {
                        break;
                    }
                    int n = OpLogFormat.bodyLength(header);
                    if (kind == OpLogFormat.Header.TORN || size - pos - OpLogFormat.RECORD_HEADER_BYTES < n) {
                        bad = "short record at position " + lsn;
                        break;
                    }
                    LogRecord record = OpLogFormat.decode(lsn, header,
                            file.readFully(pos + OpLogFormat.RECORD_HEADER_BYTES, n));
                    if (record == null) {
                        bad = "record at position " + lsn + " does not check";
                        break;
                    }
                    records++;
                    pos += OpLogFormat.RECORD_HEADER_BYTES + n;
                    lsn += OpLogFormat.RECORD_HEADER_BYTES + n;
                    replay.accept(lsn, record);
                }
                if (bad != null) {
                    if (!newest) {
                        throw new IOException("operation log corrupt in " + path + " (" + bad
                                + "), with durable segments after it; refusing to replay past it");
                    }
                    cut = bad;
                    if (repair) {
                        log.warn("operation log {}: cutting the torn tail ({}); it was never acknowledged durable",
                                path, bad);
                        file.truncate(pos); // so that, no longer the newest, it ends cleanly where it was cut
                        file.force(true);
                    }
                }
            }
        }
        return new Recovery(records, from, lsn, cut);
    }

    /**
     * After a replay: every file but the segment at {@code keep} is retired (the caller made what
     * they held durable first).
     */
    void retireAllBut(long keep) throws IOException {
        List<String> names = disk.list(dir);
        for (String name : names) {
            spareNames = Math.max(spareNames, spareNumber(name) + 1);
        }
        for (String name : names) {
            long start = OpLogFormat.segmentStart(name);
            if ((start >= 0 && start != keep) || spareNumber(name) >= 0) {
                retire(dir.resolve(name));
            } else if (name.startsWith(SPARE) && name.endsWith(FILLING)) {
                disk.delete(dir.resolve(name));
            }
        }
    }

    /**
     * Begins the segment at {@code start}: a spare renamed into place (stale records in it state
     * older positions, so they end the segment) or a new file; the header and an empty first record
     * header written and forced.
     */
    DiskFile begin(long start) throws IOException {
        Path path = path(start);
        disk.delete(path); // an empty segment left by a crash just after it was begun
        Path spare;
        synchronized (spares) {
            spare = spares.pollFirst();
        }
        DiskFile file;
        if (spare != null) {
            disk.move(spare, path);
            file = disk.open(path);
        } else {
            file = disk.createNew(path);
        }
        try {
            file.writeFully(OpLogFormat.segmentHeader(start), 0);
            file.writeFully(ByteBuffer.allocate(OpLogFormat.RECORD_HEADER_BYTES), OpLogFormat.SEGMENT_HEADER_BYTES);
            file.force(true);
            return file;
        } catch (IOException e) {
            file.close();
            throw e;
        }
    }

    /**
     * A file the log no longer needs: kept as a spare segment if it has a segment's size and
     * fewer than {@link #MAX_SPARES} are kept, deleted otherwise.
     */
    void retire(Path path) throws IOException {
        boolean keep;
        synchronized (spares) {
            keep = spares.size() < MAX_SPARES && sizeOf(path) == segmentBytes;
        }
        if (!keep) {
            disk.delete(path);
            return;
        }
        Path spare = dir.resolve(SPARE + (spareNames++) + ".seg");
        disk.move(path, spare);
        synchronized (spares) {
            spares.addLast(spare);
        }
    }

    /** N of a file named {@code spare-N.seg}; -1 for any other name. */
    private static int spareNumber(String name) {
        if (!name.startsWith(SPARE) || !name.endsWith(".seg")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(SPARE.length(), name.length() - 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long sizeOf(Path path) throws IOException {
        try (DiskFile f = disk.open(path)) {
            return f.size();
        }
    }

    /**
     * Keeps one spare segment ready, filled with zeros and forced, so that a new segment never
     * grows its file while writes wait for its {@code fdatasync}. On the checkpointer's thread.
     */
    void prepareSpare(BooleanSupplier closed) throws IOException {
        synchronized (spares) {
            if (!spares.isEmpty()) {
                return;
            }
        }
        Path spare = dir.resolve(SPARE + (spareNames++) + ".seg");
        Path filling = dir.resolve(spare.getFileName() + FILLING);
        disk.delete(filling);
        try (DiskFile f = disk.createNew(filling)) {
            for (long pos = 0; pos < segmentBytes; ) {
                if (closed.getAsBoolean()) {
                    return; // the half-filled file is deleted at the next open
                }
                pos = f.writeZeros(pos, Math.min(1 << 20, segmentBytes - pos));
            }
            f.force(true);
        }
        disk.move(filling, spare); // only a whole spare ever has a spare's name
        synchronized (spares) {
            spares.addLast(spare);
        }
    }
}
