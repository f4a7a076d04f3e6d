package io.cairn.coord.znode;

import io.cairn.coord.CoordinationUnavailableException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A decoded local copy of a family of znodes (one per key) under a base path, kept current by a
 * watch (Curator's {@link CuratorCache}) and by this process's own acknowledged writes.
 *
 * <p>Both feed the same entries, so each entry only moves forward in ZooKeeper's order: a node
 * incarnation is identified by its creation zxid and its contents by its modification zxid; a
 * late watch event never replaces a newer write, and a deleted incarnation stays deleted
 * (tombstone). Change callbacks run only on the cache's thread, in order, once per new state.
 *
 * @param <T> the decoded document
 */
public final class ZNodeMirror<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZNodeMirror.class);

    /**
     * One node's state as last seen.
     *
     * @param value   the decoded document; null if deleted or undecodable
     * @param error   why the bytes could not be decoded, or null
     * @param version the znode data version (for compare-and-set); -1 when deleted
     */
    public record Entry<T>(T value, String error, int version, long czxid, long mzxid, boolean deleted) {

        boolean isNewerThan(Entry<?> other) {
            if (other == null) return true;
            if (czxid != other.czxid) return czxid > other.czxid;
            if (deleted != other.deleted) return deleted;
            return mzxid > other.mzxid;
        }

        public boolean present() {
            return !deleted;
        }
    }

    private final CuratorCache cache;
    private final Function<String, String> keyOfPath;
    private final Function<byte[], T> decoder;
    private final BiConsumer<String, Entry<T>> onChange;
    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();
    /** Per key, the state last handed to {@code onChange}; touched only on the cache thread. */
    private final Map<String, Entry<T>> notified = new ConcurrentHashMap<>();
    private final CountDownLatch primed = new CountDownLatch(1);

    /**
     * @param keyOfPath maps a node path (without namespace) to its key, or null for nodes to ignore
     * @param onChange  called with a key and its new entry whenever it changes
     */
    public ZNodeMirror(CuratorFramework curator, String basePath, Function<String, String> keyOfPath,
                       Function<byte[], T> decoder, BiConsumer<String, Entry<T>> onChange) {
        this.cache = CuratorCache.build(curator, basePath);
        this.keyOfPath = Objects.requireNonNull(keyOfPath);
        this.decoder = Objects.requireNonNull(decoder);
        this.onChange = Objects.requireNonNull(onChange);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> seen(node))
                .forDeletes(this::seenDeleted)
                .forInitialized(primed::countDown)
                .build());
    }

    /**
     * Starts watching and waits until every existing node has been read.
     *
     * @throws CoordinationUnavailableException if that took longer than {@code timeout}
     */
    public ZNodeMirror<T> start(Duration timeout) {
        cache.start();
        try {
            if (!primed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                cache.close();
                throw new CoordinationUnavailableException("could not read the current state from ZooKeeper within "
                        + timeout, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cache.close();
            throw new CoordinationUnavailableException("interrupted while reading state from ZooKeeper", e);
        }
        return this;
    }

    /** The entry for a key, or null if never seen. No I/O. */
    public Entry<T> get(String key) {
        return entries.get(key);
    }

    /** Every entry, including tombstones. No I/O. */
    public Map<String, Entry<T>> entries() {
        return Map.copyOf(entries);
    }

    /** Records this process's acknowledged write of {@code value}, with the stat ZooKeeper returned. */
    public void wrote(String key, T value, Stat stat) {
        advance(key, new Entry<>(value, null, stat.getVersion(), stat.getCzxid(), stat.getMzxid(), false));
    }

    /**
     * Records a read of a node straight from ZooKeeper (e.g. after a failed compare-and-set) and
     * returns what was read, decoded once; the local copy keeps whichever is newer.
     */
    public Entry<T> read(String key, byte[] data, Stat stat) {
        Entry<T> read = decoded(data, stat);
        advance(key, read);
        return read;
    }

    /** Records this process's acknowledged delete of the incarnation created at {@code czxid}. */
    public void deleted(String key, long czxid) {
        advance(key, new Entry<>(null, null, -1, czxid, Long.MAX_VALUE, true));
    }

    private Entry<T> advance(String key, Entry<T> candidate) {
        return entries.merge(key, candidate, (current, next) -> next.isNewerThan(current) ? next : current);
    }

    private Entry<T> decoded(byte[] data, Stat stat) {
        return decode(decoder, data, stat);
    }

    /** Decodes a node as read, keeping a decoding error in the entry rather than throwing. */
    private static <T> Entry<T> decode(Function<byte[], T> decoder, byte[] data, Stat stat) {
        try {
            return new Entry<>(decoder.apply(data), null, stat.getVersion(), stat.getCzxid(), stat.getMzxid(), false);
        } catch (RuntimeException e) {
            log.error("unreadable node (version {}): {}", stat.getVersion(), e.getMessage());
            return new Entry<>(null, e.getMessage(), stat.getVersion(), stat.getCzxid(), stat.getMzxid(), false);
        }
    }

    private void seen(ChildData node) {
        String key = keyOfPath.apply(node.getPath());
        if (key == null || node.getStat() == null) return;
        byte[] data = node.getData() == null ? new byte[0] : node.getData();
        advance(key, decoded(data, node.getStat()));
        notifyIfNew(key);
    }

    private void seenDeleted(ChildData oldNode) {
        String key = keyOfPath.apply(oldNode.getPath());
        if (key == null || oldNode.getStat() == null) return;
        deleted(key, oldNode.getStat().getCzxid());
        notifyIfNew(key);
    }

    private void notifyIfNew(String key) {
        Entry<T> now = entries.get(key);
        Entry<T> last = notified.get(key);
        if (now == null || (last != null && !now.isNewerThan(last))) return;
        notified.put(key, now);
        try {
            onChange.accept(key, now);
        } catch (RuntimeException e) {
            log.error("change listener failed for {}", key, e);
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
