package io.cairn.store.oplog;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The store's change source for copies elsewhere (architecture.md "Change source"): per named
 * cursor (one per consumer, such as a site that receives copies), the extents of every sub-unit
 * changed since the consumer last said it shipped them, kept durable so that a crash of this
 * store loses none of them.
 *
 * <p>How it stays complete: every change of every sub-unit is noted here when it commits, before
 * its record is appended to the log ({@link OpLog#noteChanged}); while any cursor exists every
 * change gets a record ({@link OpLog#recordsEveryChange}). Each cursor's extents are written to
 * its file ({@link PendingFormat}) at every checkpoint of the log, before the log is trimmed
 * ({@link #persist}); at open, the records the log replays are noted again before the log drops
 * them. So what a crash loses from memory is still in the log, and what the log drops is in the
 * files: <b>a change leaves a cursor only when its consumer said it shipped a newer state.</b>
 *
 * <p>Catch-up after a crash costs the extents listed, not a scan of the LUN: an extent is
 * {@value #EXTENT_BLOCKS} replication blocks (1 MiB at 4 KiB), and a cursor takes 8 bytes per
 * extent of each changed sub-unit in memory and at most 12 per changed extent in its file (a
 * 64 MiB sub-unit: 512 bytes), however many changes there were and however long the consumer
 * is away. The log's own bounds do not change: it is never held back for a consumer.
 *
 * <p>Acknowledgement: {@link #pending} lists extents with the stamp of their newest change; a
 * consumer that shipped an extent's content as read after taking that list calls
 * {@link #shipped} with it, and the extent goes only if no change newer than the stamp came since.
 * Stamps grow for as long as the process runs and jump ahead of every stamp on disk at open.
 */
public final class ChangeCursors {
    /** Replication blocks per extent, the unit a cursor keeps. */
    public static final int EXTENT_BLOCKS = 256;
    private static final String SUFFIX = ".pending";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Ahead of any stamp on disk at open: more than the changes between two checkpoints. */
    private static final long STAMP_JUMP = 1L << 32;

    /** One changed extent of a cursor: sub-unit {@code <lunId>/<index>}, extent index, newest change's stamp. */
    public record PendingExtent(String subUnit, int extent, long stamp) {
    }

    private final Disk disk;
    private final Path dir;
    /** Guarded by this. */
    private final Map<String, ChangedExtents> cursors = new TreeMap<>();
    /** Guarded by this. */
    private long stamp;
    private volatile boolean active;
    /** Serializes file writes, which run outside this object's lock. */
    private final Object writing = new Object();

    private ChangeCursors(Disk disk, Path dir) {
        this.disk = disk;
        this.dir = dir;
    }

    /** Opens the cursors kept in {@code dir}; a cursor file that cannot be read fails the open, naming it. */
    public static ChangeCursors open(Disk disk, Path dir) throws IOException {
        disk.createDirectories(dir);
        ChangeCursors c = new ChangeCursors(disk, dir);
        long last = 0;
        for (String file : disk.list(dir)) {
            Path path = dir.resolve(file);
            if (file.endsWith(SUFFIX + ".tmp")) {
                disk.delete(path); // a write the crash interrupted: the file before it stands
            } else if (file.endsWith(SUFFIX)) {
                PendingFormat.Contents contents = PendingFormat.decode(read(disk, path), path.toString());
                c.cursors.put(file.substring(0, file.length() - SUFFIX.length()), contents.extents());
                last = Math.max(last, contents.lastStamp());
            }
        }
        c.stamp = last + STAMP_JUMP;
        c.active = !c.cursors.isEmpty();
        return c;
    }

    /** Whether any cursor exists (then every change must be logged). */
    public boolean active() {
        return active;
    }

    public synchronized List<String> names() {
        return List.copyOf(cursors.keySet());
    }

    /**
     * Creates cursor {@code name} (letters, digits, {@code . _ -}; at most 64), empty: its
     * consumer starts from a full copy and from here on learns every change. Does nothing if it exists.
     */
    public void register(String name) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad change cursor name '" + name + "'");
        }
        synchronized (this) {
            if (cursors.containsKey(name)) {
                return;
            }
            cursors.put(name, new ChangedExtents());
            active = true;
        }
        persist();
    }

    /** Removes cursor {@code name} and its file. */
    public void remove(String name) throws IOException {
        synchronized (writing) {
            synchronized (this) {
                if (cursors.remove(name) == null) {
                    return;
                }
                active = !cursors.isEmpty();
            }
            disk.delete(dir.resolve(name + SUFFIX));
        }
    }

    /** Replication blocks {@code first..last} of {@code subUnit} changed (called before the change's record is appended). */
    void noted(String subUnit, int first, int last) {
        if (!active) {
            return;
        }
        synchronized (this) {
            stamp++;
            for (ChangedExtents c : cursors.values()) {
                c.note(subUnit, first, last, stamp);
            }
        }
    }

    /**
     * Lists every extent of {@code subUnit} ({@code replicationBlocks} of them) for cursor
     * {@code name} and writes the cursor's file: its consumer starts the sub-unit from a full copy,
     * through the same path as every change (a consumer that compares versions sends only what its
     * copy lacks). Durable when this returns.
     */
    public void seed(String name, String subUnit, int replicationBlocks) throws IOException {
        seed(name, Map.of(subUnit, replicationBlocks));
    }

    /** {@link #seed} for many sub-units (replication blocks by sub-unit), with one write of the files. */
    public void seed(String name, Map<String, Integer> subUnits) throws IOException {
        synchronized (this) {
            ChangedExtents c = cursor(name);
            for (Map.Entry<String, Integer> e : subUnits.entrySet()) {
                if (e.getValue() > 0) {
                    stamp++;
                    c.note(e.getKey(), 0, e.getValue() - 1, stamp);
                }
            }
        }
        persist();
    }

    /** The extents changed for cursor {@code name} and not shipped since, by sub-unit and extent. */
    public synchronized List<PendingExtent> pending(String name) {
        List<PendingExtent> out = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Long>> e : cursor(name).view().entrySet()) {
            for (Map.Entry<Integer, Long> x : e.getValue().entrySet()) {
                out.add(new PendingExtent(e.getKey(), x.getKey(), x.getValue()));
            }
        }
        return out;
    }

    /**
     * Cursor {@code name}'s consumer shipped {@code extent} as it stood after its stamp: the
     * extent leaves the cursor unless it changed again since. Durable at the next {@link #persist}
     * (until then a crash only makes the consumer ship it again).
     */
    public synchronized boolean shipped(String name, PendingExtent extent) {
        return cursor(name).clear(extent.subUnit(), extent.extent(), extent.stamp());
    }

    /**
     * Writes every cursor's file (the log calls this at each checkpoint, before it trims). Runs
     * outside this object's lock, so changes are noted meanwhile; those are in the log still.
     */
    public void persist() throws IOException {
        synchronized (writing) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            synchronized (this) {
                for (Map.Entry<String, ChangedExtents> e : cursors.entrySet()) {
                    files.put(e.getKey(), PendingFormat.encode(e.getValue(), stamp));
                }
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                write(dir.resolve(f.getKey() + SUFFIX), f.getValue());
            }
        }
    }

    private ChangedExtents cursor(String name) {
        ChangedExtents c = cursors.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no change cursor '" + name + "'");
        }
        return c;
    }

    private void write(Path path, byte[] bytes) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        disk.delete(tmp);
        try (DiskFile f = disk.createNew(tmp)) {
            f.writeFully(ByteBuffer.wrap(bytes), 0);
            f.force(true);
        }
        disk.move(tmp, path);
    }

    private static byte[] read(Disk disk, Path path) throws IOException {
        try (DiskFile f = disk.open(path)) {
            long size = f.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(path + ": " + size + " bytes, too large for a change cursor file");
            }
            return f.readFully(0, (int) size).array();
        }
    }
}
