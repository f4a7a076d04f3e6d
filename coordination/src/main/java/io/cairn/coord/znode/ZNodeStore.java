package io.cairn.coord.znode;

import io.cairn.coord.session.ZkSession;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What every store over watched znodes does alike: it stands on the {@link ZkSession}, keeps one
 * or more watched copies ({@link ZNodeMirror}) that are primed before its {@code open} returns,
 * may write through {@link ZNodeWriter} threads, reads a node fresh into its copy, and closes
 * writers first (queued writes finish), then the watches. Paths, documents and what a change
 * means stay with the store.
 *
 * <p>A store makes its copies and writers in its constructor ({@link #watch}, {@link #writer})
 * and calls {@link #prime()} as the last step of its {@code open}.
 */
public abstract class ZNodeStore implements AutoCloseable {

    /** How long opening waits for a watched copy to have read what is stored. */
    protected static final Duration PRIME_TIMEOUT = Duration.ofSeconds(15);

    protected final ZkSession session;
    protected final CuratorFramework curator;
    private final List<ZNodeMirror<?>> mirrors = new ArrayList<>();
    private final List<ZNodeWriter<?>> writers = new ArrayList<>();

    protected ZNodeStore(ZkSession session) {
        this.session = Objects.requireNonNull(session, "session");
        this.curator = session.curator();
    }

    /** A watched copy of the znodes under {@code basePath}; see {@link ZNodeMirror#ZNodeMirror}. */
    protected final <T> ZNodeMirror<T> watch(String basePath, Function<String, String> keyOfPath,
                                             Function<byte[], T> decoder, BiConsumer<String, ZNodeMirror.Entry<T>> onChange) {
        ZNodeMirror<T> mirror = new ZNodeMirror<>(curator, basePath, keyOfPath, decoder, onChange);
        mirrors.add(mirror);
        return mirror;
    }

    /** The writer thread over {@code mirror}; see {@link ZNodeWriter#ZNodeWriter}. */
    protected final <T> ZNodeWriter<T> writer(ZNodeMirror<T> mirror, Function<T, byte[]> encoder, String storeName,
                                              String threadName, int maxAttempts) {
        ZNodeWriter<T> writer = new ZNodeWriter<>(session, mirror, encoder, storeName, threadName, maxAttempts);
        writers.add(writer);
        return writer;
    }

    /**
     * Starts every watched copy, in the order they were made, each waiting until it has read what
     * is stored. If one cannot, closes this store (all of it, as the store closes) and rethrows.
     *
     * @throws io.cairn.coord.CoordinationUnavailableException if a copy was not primed in time
     */
    protected final void prime() {
        try {
            for (ZNodeMirror<?> mirror : mirrors) mirror.start(PRIME_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Reads the node at {@code path} straight from ZooKeeper into {@code mirror}, which the watch may
     * not have brought up to date yet, and returns what was read: the decoded entry, or, when there
     * is no node, the copy's entry afterwards (a tombstone, null, or a newer incarnation the watch
     * brought meanwhile). The copy never moves backwards, so it is not re-read.
     *
     * @param subject what the node is, for errors: "placement of lun-a/3", ...
     * @throws io.cairn.coord.CoordinationUnavailableException if ZooKeeper could not be read
     */
    protected final <T> ZNodeMirror.Entry<T> readFresh(ZNodeMirror<T> mirror, String key, String path, String subject) {
        return read(mirror, key, path, false, subject);
    }

    /**
     * As {@link #readFresh}, after a {@link ZkSession#sync sync}, so that the server this session
     * talks to has every write committed before now: for a decision that must not miss a peer's
     * write (ZooKeeper Programmer's Guide, "Consistency Guarantees").
     */
    protected final <T> ZNodeMirror.Entry<T> syncAndReadFresh(ZNodeMirror<T> mirror, String key, String path,
                                                               String subject) {
        return read(mirror, key, path, true, subject);
    }

    private <T> ZNodeMirror.Entry<T> read(ZNodeMirror<T> mirror, String key, String path, boolean sync, String subject) {
        // seen before the read: only an incarnation that existed before it can be known gone after it
        ZNodeMirror.Entry<T> seen = mirror.get(key);
        Stat stat = new Stat();
        try {
            if (sync) session.sync(path);
            byte[] data = curator.getData().storingStatIn(stat).forPath(path);
            return mirror.read(key, data, stat);
        } catch (KeeperException.NoNodeException e) {
            if (seen != null && seen.present()) mirror.deleted(key, seen.czxid());
            return mirror.get(key);
        } catch (Exception e) {
            throw session.unavailable("read " + subject, e);
        }
    }

    /** Stops the writers (queued writes finish; later ones fail as unavailable), then the watches. */
    @Override
    public void close() {
        writers.forEach(ZNodeWriter::close);
        mirrors.forEach(ZNodeMirror::close);
    }
}
