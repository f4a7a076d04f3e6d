package io.cairn.store;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import io.cairn.store.oplog.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays operation-log records into the sub-units' files when a store opens, before any sub-unit
 * is: each effect is applied to the named sub-unit's block file (bytes at an offset) and version
 * map (entries), as the change applied it. {@link #finish} forces and closes what it touched.
 * A record for a sub-unit whose files are gone (its LUN was deleted) is skipped.
 */
final class LogReplay implements Consumer<LogRecord>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogReplay.class);

    private record Files(DiskFile blocks, VersionMap map) {
    }

    private final Disk disk;
    private final Path subUnits;
    private final Map<String, Files> open = new HashMap<>();
    private long applied;

    LogReplay(Disk disk, Path subUnits) {
        this.disk = disk;
        this.subUnits = subUnits;
    }

    @Override
    public void accept(LogRecord record) {
        try {
            Files files = files(record.subUnit());
            if (files == null) {
                return;
            }
            long size = files.blocks().size();
            for (LogRecord.Effect e : record.effects()) {
                if (e instanceof LogRecord.Data d) {
                    check(record, d.offset(), d.data().readableBytes(), size);
                    files.blocks().writeFully(d.data().nioBuffer(), d.offset());
                } else if (e instanceof LogRecord.Zeros z) {
                    check(record, z.offset(), z.length(), size);
                    files.blocks().writeZeros(z.offset(), z.length());
                } else if (e instanceof LogRecord.Forced) {
                    continue; // a fact for the reader of the log (SegmentFiles), nothing to apply
                } else if (e instanceof LogRecord.Versions v) {
                    if (v.first() < 0 || v.last() < v.first() || v.last() >= files.map().entryCount()) {
                        throw new IOException("log record for " + record.subUnit() + " names version entries "
                                + v.first() + ".." + v.last() + " outside its " + files.map().entryCount());
                    }
                    files.map().record(v.first(), v.last(), v.version(), v.mapped());
                }
            }
            applied++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(LogRecord record, long offset, long length, long size) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IOException("log record for " + record.subUnit() + " writes bytes " + offset + "+" + length
                    + " outside its block file of " + size);
        }
    }

    private Files files(String name) throws IOException {
        if (open.containsKey(name)) {
            return open.get(name);
        }
        int slash = name.lastIndexOf('/');
        Path dir = subUnits.resolve(name.substring(0, Math.max(0, slash)));
        Path blocks = dir.resolve(name.substring(slash + 1) + ".blocks");
        Path versions = dir.resolve(name.substring(slash + 1) + ".versions");
        Files files = null;
        if (slash > 0 && disk.exists(blocks) && disk.exists(versions)) {
            DiskFile b = disk.open(blocks);
            try {
                files = new Files(b, VersionMap.open(disk, versions));
            } catch (IOException | RuntimeException e) {
                b.close();
                throw e;
            }
        } else {
            log.warn("operation log names sub-unit {}, which is not in the store; its records are skipped", name);
        }
        open.put(name, files);
        return files;
    }

    /** Records replayed. */
    long applied() {
        return applied;
    }

    /** Forces every file the replay wrote, then closes them: after this the log may be trimmed. */
    void finish() throws IOException {
        for (Files f : open.values()) {
            if (f != null) {
                f.map().force(() -> f.blocks().force(false)); // data, then the entries
                f.map().markClean();
            }
        }
        close();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Files f : open.values()) {
            if (f == null) {
                continue;
            }
            try {
                f.blocks().close();
                f.map().close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
