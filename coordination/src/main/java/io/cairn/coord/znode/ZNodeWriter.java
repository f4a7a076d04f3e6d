package io.cairn.coord.znode;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.session.ZkSession;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one writer thread of a store over a {@link ZNodeMirror}, and its compare-and-set loop.
 *
 * <p>Every write of the store runs on this thread, so the process never races itself; against
 * other processes {@link #update} is a compare-and-set on the znode version (create when absent):
 * each attempt decides on the node as the store reads it fresh from ZooKeeper, and on a conflict
 * (BadVersion, NodeExists, NoNode) reads and decides again, at most {@code maxAttempts} times.
 * What to read, how to decide and what counts as "unchanged" stay with the store.
 *
 * @param <T> the decoded document
 */
public final class ZNodeWriter<T> implements AutoCloseable {

    /**
     * What one attempt decided on the document as read: write {@code next} and answer
     * {@code written(stat)}, or (when {@code next} is null) write nothing and answer {@code unchanged}.
     */
    public record Decision<T, R>(T next, R unchanged, Function<Stat, R> written) {

        public static <T, R> Decision<T, R> unchanged(R result) {
            return new Decision<>(null, result, null);
        }

        public static <T, R> Decision<T, R> write(T next, Function<Stat, R> written) {
            return new Decision<>(Objects.requireNonNull(next, "next"), null, Objects.requireNonNull(written));
        }
    }

    private final ZkSession session;
    private final CuratorFramework curator;
    private final ZNodeMirror<T> mirror;
    private final Function<T, byte[]> encoder;
    private final String storeName;
    private final int maxAttempts;
    private final ExecutorService writer;

    /**
     * @param storeName   names the store in errors, e.g. "placement store"; its thread is {@code cairn-<threadName>}
     * @param maxAttempts how often one update is decided before it gives up on a contended node
     */
    public ZNodeWriter(ZkSession session, ZNodeMirror<T> mirror, Function<T, byte[]> encoder,
                       String storeName, String threadName, int maxAttempts) {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        this.session = session;
        this.curator = session.curator();
        this.mirror = mirror;
        this.encoder = encoder;
        this.storeName = storeName;
        this.maxAttempts = maxAttempts;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-" + threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task} on the writer thread, after the tasks submitted before it; fails at once
     * without a session, or once closed. A task that throws completes its future with the exception.
     *
     * @param what    the operation, for errors: "update", "delete", ...
     * @param subject what it acts on, for errors: "placement of lun-a/3", ...
     */
    public <R> CompletableFuture<R> submit(String what, String subject, Consumer<CompletableFuture<R>> task) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (!session.isConnected()) {
            result.completeExceptionally(notConnected(what, subject));
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
            result.completeExceptionally(new CoordinationUnavailableException(storeName + " is closed", e));
        }
        return result;
    }

    /**
     * The compare-and-set loop; runs on the writer thread (inside a {@link #submit} task).
     *
     * @param key       the node's key in the mirror
     * @param path      the node's path
     * @param readFresh reads the node from ZooKeeper into the mirror and returns what it read (null or
     *                  a tombstone when absent); the watched copy may not yet show another process's
     *                  write, and a decision must never see a stale or missing base
     * @param decide    decides on what was read; may throw, which fails the update
     */
    public <R> void update(String key, String path, String subject, Supplier<ZNodeMirror.Entry<T>> readFresh,
                           Function<ZNodeMirror.Entry<T>, Decision<T, R>> decide, CompletableFuture<R> result) {
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (!session.isConnected()) {
                result.completeExceptionally(notConnected("update", subject));
                return;
            }
            ZNodeMirror.Entry<T> seen;
            try {
                seen = readFresh.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            Decision<T, R> decision = decide.apply(seen);
            if (decision.next() == null) {
                result.complete(decision.unchanged());
                return;
            }
            byte[] data = encoder.apply(decision.next());
            try {
                Stat stat;
                if (seen != null && seen.present()) {
                    stat = curator.setData().withVersion(seen.version()).forPath(path, data);
                } else {
                    stat = new Stat();
                    curator.create().creatingParentsIfNeeded().storingStatIn(stat).forPath(path, data);
                }
                mirror.wrote(key, decision.next(), stat);
                result.complete(decision.written().apply(stat));
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                     | KeeperException.NoNodeException e) {
                // another process changed it between our read and our write: read it and decide again
            } catch (Exception e) {
                result.completeExceptionally(unavailable("update", subject, e));
                return;
            }
        }
        result.completeExceptionally(new IllegalStateException(subject + " changed under " + maxAttempts
                + " consecutive attempts to update it; gave up"));
    }

    public CoordinationUnavailableException notConnected(String what, String subject) {
        return session.notConnected(what + " " + subject);
    }

    public CoordinationUnavailableException unavailable(String what, String subject, Exception cause) {
        return session.unavailable(what + " " + subject, cause);
    }

    /** Stops taking tasks (later ones fail with {@link CoordinationUnavailableException}) and lets queued ones finish. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) writer.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
