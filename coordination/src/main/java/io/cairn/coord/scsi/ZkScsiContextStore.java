package io.cairn.coord.scsi;

import io.cairn.coord.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.ZNodeMirror;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCSI contexts in ZooKeeper: one JSON document ({@link ScsiContextCodec}) per LUN at
 * {@code /luns/<id>/scsi-context}; no node means {@link ScsiContext#EMPTY}.
 *
 * <p>{@link #current} reads a local copy of every LUN's context, primed before {@link #open}
 * returns and kept current by a watch. {@link #update} runs on one writer thread per store, so
 * this process never races itself; against other processes it is a compare-and-set on the
 * znode version: on a conflict it re-reads the node and applies the change again, at most
 * {@code maxAttempts} times. The future completes after ZooKeeper acknowledged the write and
 * the local copy holds it, so the caller's next {@link #current} sees its own change.
 */
public final class ZkScsiContextStore implements ScsiContextStore {

    private static final Logger log = LoggerFactory.getLogger(ZkScsiContextStore.class);
    public static final int DEFAULT_MAX_ATTEMPTS = 32;
    private static final String LUNS = "/luns";
    private static final Pattern CONTEXT_PATH = Pattern.compile("/luns/([^/]+)/scsi-context");

    private final Coordination coordination;
    private final CuratorFramework curator;
    private final int maxAttempts;
    private final Map<String, List<Consumer<ScsiContext>>> listeners = new ConcurrentHashMap<>();
    private final ZNodeMirror<ScsiContext> mirror;
    private final ExecutorService writer;

    private ZkScsiContextStore(Coordination coordination, int maxAttempts) {
        this.coordination = coordination;
        this.curator = coordination.curator();
        this.maxAttempts = maxAttempts;
        this.mirror = new ZNodeMirror<>(curator, LUNS, ZkScsiContextStore::lunOfPath, ScsiContextCodec::decode,
                this::changed);
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-scsi-context-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the store and reads every LUN's context; use {@link Coordination#openScsiContextStore()}. */
    public static ZkScsiContextStore open(Coordination coordination) {
        return open(coordination, DEFAULT_MAX_ATTEMPTS);
    }

    /** @param maxAttempts how often one update is applied before it gives up on a contended context */
    public static ZkScsiContextStore open(Coordination coordination, int maxAttempts) {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        ZkScsiContextStore store = new ZkScsiContextStore(Objects.requireNonNull(coordination), maxAttempts);
        try {
            store.mirror.start(Duration.ofSeconds(15));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    static String contextPath(String lunId) {
        return LUNS + "/" + lunId + "/scsi-context";
    }

    private static String lunOfPath(String path) {
        Matcher m = CONTEXT_PATH.matcher(path);
        return m.matches() ? m.group(1) : null;
    }

    /** @throws CoordinationUnavailableException if the stored context cannot be decoded (fail closed) */
    @Override
    public ScsiContext current(String lunId) {
        return contextOf(lunId, mirror.get(lunId));
    }

    private ScsiContext contextOf(String lunId, ZNodeMirror.Entry<ScsiContext> entry) {
        if (entry == null || !entry.present()) return ScsiContext.EMPTY;
        if (entry.value() == null) {
            throw new CoordinationUnavailableException("unreadable SCSI context of LUN " + lunId + ": "
                    + entry.error(), null);
        }
        return entry.value();
    }

    @Override
    public <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change) {
        Objects.requireNonNull(change, "change");
        return submit(lunId, "update", result -> apply(lunId, change, result));
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        return submit(lunId, "delete", result -> remove(lunId, result));
    }

    @Override
    public void addListener(String lunId, Consumer<ScsiContext> listener) {
        listeners.computeIfAbsent(lunId, id -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(listener));
    }

    private <R> CompletableFuture<R> submit(String lunId, String what, Consumer<CompletableFuture<R>> task) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (!coordination.isConnected()) {
            result.completeExceptionally(notConnected(what, lunId));
            return result;
        }
        try {
            writer.execute(() -> {
                try {
                    task.accept(result);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new CoordinationUnavailableException("SCSI context store is closed", e));
        }
        return result;
    }

    /** Runs on the writer thread. */
    private <R> void apply(String lunId, Function<ScsiContext, Update<R>> change, CompletableFuture<R> result) {
        String path = contextPath(lunId);
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (!coordination.isConnected()) {
                result.completeExceptionally(notConnected("update", lunId));
                return;
            }
            ZNodeMirror.Entry<ScsiContext> seen = mirror.get(lunId);
            Update<R> update = change.apply(contextOf(lunId, seen));
            if (update == null) throw new NullPointerException("change returned null for LUN " + lunId);
            if (update.next() == null) {
                result.complete(update.result());
                return;
            }
            byte[] json = ScsiContextCodec.encode(update.next());
            try {
                Stat stat;
                if (seen != null && seen.present()) {
                    stat = curator.setData().withVersion(seen.version()).forPath(path, json);
                } else {
                    stat = new Stat();
                    curator.create().creatingParentsIfNeeded().storingStatIn(stat).forPath(path, json);
                }
                mirror.wrote(lunId, update.next(), stat);
                result.complete(update.result());
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                     | KeeperException.NoNodeException e) {
                // another process changed it since our copy was current: read it and apply again
                refresh(lunId, seen);
            } catch (Exception e) {
                result.completeExceptionally(unavailable("update", lunId, e));
                return;
            }
        }
        result.completeExceptionally(new IllegalStateException("SCSI context of LUN " + lunId
                + " changed under " + maxAttempts + " consecutive attempts to update it; gave up"));
    }

    /** Reads the node straight from ZooKeeper into the local copy; the watch may not have caught up yet. */
    private void refresh(String lunId, ZNodeMirror.Entry<ScsiContext> seen) {
        Stat stat = new Stat();
        try {
            byte[] data = curator.getData().storingStatIn(stat).forPath(contextPath(lunId));
            mirror.read(lunId, data, stat);
        } catch (KeeperException.NoNodeException e) {
            if (seen != null && seen.present()) mirror.deleted(lunId, seen.czxid());
        } catch (Exception e) {
            throw unavailable("read", lunId, e);
        }
    }

    /** Runs on the writer thread. */
    private void remove(String lunId, CompletableFuture<Void> result) {
        String path = contextPath(lunId);
        try {
            Stat stat = curator.checkExists().forPath(path);
            if (stat != null) {
                curator.delete().forPath(path);
                mirror.deleted(lunId, stat.getCzxid());
            }
            result.complete(null);
        } catch (KeeperException.NoNodeException e) {
            result.complete(null);
        } catch (Exception e) {
            result.completeExceptionally(unavailable("delete", lunId, e));
        }
    }

    /** Runs on the watch's thread. */
    private void changed(String lunId, ZNodeMirror.Entry<ScsiContext> entry) {
        List<Consumer<ScsiContext>> forLun = listeners.get(lunId);
        if (forLun == null || (entry.present() && entry.value() == null)) return;
        ScsiContext context = entry.present() ? entry.value() : ScsiContext.EMPTY;
        for (Consumer<ScsiContext> listener : forLun) {
            try {
                listener.accept(context);
            } catch (RuntimeException e) {
                log.error("SCSI context listener failed for LUN {}", lunId, e);
            }
        }
    }

    private CoordinationUnavailableException notConnected(String what, String lunId) {
        return new CoordinationUnavailableException("cannot " + what + " SCSI context of LUN " + lunId
                + ": not connected to ZooKeeper at " + coordination.connectString(), null);
    }

    private CoordinationUnavailableException unavailable(String what, String lunId, Exception cause) {
        if (cause instanceof InterruptedException) Thread.currentThread().interrupt();
        return new CoordinationUnavailableException("cannot " + what + " SCSI context of LUN " + lunId
                + " in ZooKeeper at " + coordination.connectString() + ": " + cause, cause);
    }

    /** Stops taking updates (later ones fail with {@link CoordinationUnavailableException}), lets queued ones finish, stops the watch. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) writer.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
        mirror.close();
    }
}
