package io.cairn.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The sub-units of one store node under one data directory:
 * {@code <dataDir>/clock} (the node's {@link VersionClock}) and
 * {@code <dataDir>/subunits/<lunId>/<index>.blocks} and {@code .versions} per sub-unit.
 * Reopening the directory after a restart gives the same data and versions.
 */
public final class SubUnitStore implements Closeable {
    private final Path dataDir;
    private final VersionClock clock;
    private final Executor executor;
    private final Executor syncExecutor;
    private final int replicationBlockBytes;
    /** Read without the lock on every request; written under it. */
    private final Map<String, FileSubUnit> open = new java.util.concurrent.ConcurrentHashMap<>();
    /** Written under the lock, read without it on the fast path of {@link #open}. */
    private volatile boolean closed;

    private SubUnitStore(Path dataDir, VersionClock clock, Executor executor, Executor syncExecutor,
                         int replicationBlockBytes) {
        this.dataDir = dataDir;
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
        Files.createDirectories(dataDir.resolve("subunits"));
        VersionClock clock = VersionClock.open(dataDir.resolve("clock"), nodeId);
        return new SubUnitStore(dataDir, clock, executor, syncExecutor, replicationBlockBytes);
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
        if (lunId.isEmpty() || lunId.contains("/") || lunId.contains("\\") || lunId.startsWith(".") || index < 0) {
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
        Files.createDirectories(dir);
        unit = FileSubUnit.open(dir.resolve(index + ".blocks"), dir.resolve(index + ".versions"),
                blockCount, blockSize, replicationBlockBytes, clock, executor, syncExecutor);
        open.put(key, unit);
        return unit;
    }

    public VersionClock clock() {
        return clock;
    }

    /** Forces and closes every open sub-unit, then the clock. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<IOException> failures = new ArrayList<>();
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
