package io.cairn.store;

import io.cairn.store.disk.Disk;
import io.cairn.store.oplog.ChangeCursors;
import io.cairn.store.oplog.FileOpLog;
import io.cairn.store.oplog.OpLog;
import io.cairn.store.oplog.OpLogSettings;
import io.cairn.store.oplog.Recovery;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sub-units of one store node under one data directory:
 * {@code <dataDir>/clock} (the node's {@link VersionClock}),
 * {@code <dataDir>/subunits/<lunId>/<index>.blocks} and {@code .versions} per sub-unit, and
 * {@code <dataDir>/oplog/} (the operation log every sub-unit's changes go to, FileOpLog) and
 * {@code <dataDir>/changes/} (the change cursors of consumers elsewhere, ChangeCursors).
 * Reopening the directory after a restart, a kill -9 or a power cut replays the log first and gives
 * the same data and versions, up to at least the last durable point.
 */
public final class SubUnitStore implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(SubUnitStore.class);
    private final Disk disk;
    private final Path dataDir;
    private final FileOpLog oplog;
    private final ChangeCursors changes;
    private final Recovery recovery;
    private final VersionClock clock;
    private final Executor executor;
    private final Executor syncExecutor;
    private final int replicationBlockBytes;
    /** Read without the lock on every request; written under it. */
    private final Map<String, FileSubUnit> open = new java.util.concurrent.ConcurrentHashMap<>();
    /** Written under the lock, read without it on the fast path of {@link #open}. */
    private volatile boolean closed;

    private SubUnitStore(Disk disk, Path dataDir, FileOpLog oplog, ChangeCursors changes, VersionClock clock,
                         Executor executor, Executor syncExecutor, int replicationBlockBytes) {
        this.disk = disk;
        this.changes = changes;
        this.dataDir = dataDir;
        this.oplog = oplog;
        this.recovery = oplog.recovery();
        this.clock = clock;
        this.executor = executor;
        this.syncExecutor = syncExecutor;
        this.replicationBlockBytes = replicationBlockBytes;
    }

    /** Opens (or creates) the store with 64 KiB replication blocks. */
    public static SubUnitStore open(Path dataDir, int nodeId, Executor executor) throws IOException {
        return open(dataDir, nodeId, executor, VersionMap.DEFAULT_REPLICATION_BLOCK_BYTES);
    }

    /** Opens (or creates) the store; {@code replicationBlockBytes} applies to sub-units it creates. */
    public static SubUnitStore open(Path dataDir, int nodeId, Executor executor, int replicationBlockBytes)
            throws IOException {
        return open(dataDir, nodeId, executor, executor, replicationBlockBytes);
    }

    /** As above, with reads and writes on {@code executor} and forces on {@code syncExecutor} (see FileSubUnit). */
    public static SubUnitStore open(Path dataDir, int nodeId, Executor executor, Executor syncExecutor,
                                    int replicationBlockBytes) throws IOException {
        return open(Disk.local(), dataDir, nodeId, executor, syncExecutor, replicationBlockBytes, OpLogSettings.DEFAULT);
    }

    /**
     * As above, on {@code disk}, with the operation log bounded by {@code logSettings}. Replays the
     * log into the sub-units' files and forces them before anything else opens.
     */
    public static SubUnitStore open(Disk disk, Path dataDir, int nodeId, Executor executor, Executor syncExecutor,
                                    int replicationBlockBytes, OpLogSettings logSettings) throws IOException {
        disk.createDirectories(dataDir.resolve("subunits"));
        VersionClock clock = VersionClock.open(disk, dataDir.resolve("clock"), nodeId);
        FileOpLog oplog;
        ChangeCursors changes;
        try (LogReplay replay = new LogReplay(disk, dataDir.resolve("subunits"))) {
            try {
                changes = ChangeCursors.open(disk, dataDir.resolve("changes"));
                oplog = FileOpLog.open(disk, dataDir.resolve("oplog"), logSettings, replay, changes);
            } catch (UncheckedIOException e) {
                throw new IOException("replaying the operation log of " + dataDir + " failed", e.getCause());
            }
            replay.finish();
            Recovery r = oplog.recovery();
            if (r.records() > 0 || r.cut() != null) {
                log.info("operation log: replayed {} records (positions {}..{}){}", r.records(), r.from(), r.to(),
                        r.cut() == null ? "" : "; cut a torn tail: " + r.cut());
            }
        } catch (IOException | RuntimeException e) {
            clock.close();
            throw e;
        }
        SubUnitStore store = new SubUnitStore(disk, dataDir, oplog, changes, clock, executor, syncExecutor,
                replicationBlockBytes);
        try {
            oplog.start(store::forceChanged);
        } catch (IOException | RuntimeException e) {
            oplog.close();
            clock.close();
            throw e;
        }
        return store;
    }

    /** What the operation log held when the store opened (replayed records, a cut torn tail). */
    public Recovery recovery() {
        return recovery;
    }

    /** The store's change source: what changed since each consumer elsewhere last shipped it. */
    public ChangeCursors changes() {
        return changes;
    }

    /**
     * Creates change cursor {@code name} (see {@link ChangeCursors#register}), waits for every
     * change running now to commit (each either saw the cursor and is logged, or is noted in
     * memory only), then checkpoints: sub-units holding changes without a record are forced and
     * the cursor's file written, so from when this returns every change has a record until the
     * cursor's file holds it.
     */
    public void registerChangeCursor(String name) throws IOException {
        changes.register(name);
        for (FileSubUnit unit : open.values()) {
            unit.barrier();
        }
        oplog.checkpoint();
    }

    /** The store's operation log. */
    public OpLog oplog() {
        return oplog;
    }

    /** The log's checkpoint: forces every sub-unit changed since the last one. */
    private void forceChanged() throws IOException {
        for (FileSubUnit unit : open.values()) {
            unit.forceIfChanged();
        }
    }

    /** A name that cannot be a directory and file under {@code subunits/}. */
    private static boolean badName(String lunId, int index) {
        return lunId.isEmpty() || lunId.contains("/") || lunId.contains("\\") || lunId.startsWith(".") || index < 0;
    }

    /** Whether this store holds sub-unit {@code lunId/index} (open now, or on disk); opens nothing. */
    public boolean holds(String lunId, int index) {
        if (open.containsKey(lunId + "/" + index)) {
            return true;
        }
        if (badName(lunId, index)) {
            return false;
        }
        return java.nio.file.Files.exists(dataDir.resolve("subunits").resolve(lunId).resolve(index + ".blocks"));
    }

    /**
     * Opens the sub-unit, creating it if it does not exist; the same instance while it stays open.
     * The store closes it; callers must not.
     */
    public FileSubUnit open(String lunId, int index, long blockCount, int blockSize) throws IOException {
        FileSubUnit known = open.get(lunId + "/" + index);
        if (known != null && known.blockCount() == blockCount && known.blockSize() == blockSize && !closed) {
            return known;
        }
        return openSlow(lunId, index, blockCount, blockSize);
    }

    private synchronized FileSubUnit openSlow(String lunId, int index, long blockCount, int blockSize)
            throws IOException {
        if (closed) {
            throw new IOException("store is closed");
        }
        if (badName(lunId, index)) {
            throw new IllegalArgumentException("bad sub-unit name " + lunId + "/" + index);
        }
        String key = lunId + "/" + index;
        FileSubUnit unit = open.get(key);
        if (unit != null) {
            if (unit.blockCount() != blockCount || unit.blockSize() != blockSize) {
                throw new IllegalArgumentException("sub-unit " + key + " is open with another geometry");
            }
            return unit;
        }
        Path dir = dataDir.resolve("subunits").resolve(lunId);
        disk.createDirectories(dir);
        unit = FileSubUnit.open(disk, oplog, key, dir.resolve(index + ".blocks"), dir.resolve(index + ".versions"),
                blockCount, blockSize, replicationBlockBytes, clock, executor, syncExecutor);
        open.put(key, unit);
        return unit;
    }

    public VersionClock clock() {
        return clock;
    }

    /**
     * Checkpoints the log (every sub-unit forced, the log trimmed), closes it, then closes every
     * sub-unit and the clock. If the checkpoint fails, the log stays and is replayed at the next open.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<IOException> failures = new ArrayList<>();
        try {
            oplog.checkpoint();
        } catch (IOException e) {
            failures.add(e);
        }
        try {
            oplog.close();
        } catch (IOException e) {
            failures.add(e);
        }
        for (FileSubUnit unit : open.values()) {
            try {
                unit.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        open.clear();
        clock.close();
        if (!failures.isEmpty()) {
            IOException e = failures.get(0);
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
