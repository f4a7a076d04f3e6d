package io.cairn.store;

import io.cairn.block.BlockDeviceException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where a sub-unit's work runs. Requests (reads, writes, version changes) run on the I/O lane,
 * which may be the caller's own thread: a store serving from the page cache does its I/O on its
 * event loops (a store's {@code --io-threads 0}, StoreRole, gives {@code Runnable::run}), and a hand-off
 * would cost more than the I/O. Forces, and work that reads a whole copy, run on the sync lane,
 * never the caller's: an fsync takes milliseconds, and an event loop must not wait for it.
 *
 * <p>Either way a task's outcome completes a future, a failure as a {@link BlockDeviceException}:
 * UNAVAILABLE if the files are closed or the executor refuses the task, MEDIUM_ERROR otherwise.
 */
final class IoLanes {

    /** Work that may fail with an I/O error. */
    interface IoTask<T> {
        T run() throws IOException;
    }

    private final Executor io;
    private final Executor sync;

    IoLanes(Executor io, Executor sync) {
        this.io = io;
        this.sync = sync;
    }

    /**
     * Runs {@code task} on the I/O lane. {@code owned} are the request's buffers: the task releases
     * them, except if the executor refuses the task, when they are released here.
     */
    <T> CompletableFuture<T> onIo(IoTask<T> task, Object... owned) {
        return run(io, task, owned);
    }

    /** Runs {@code task} on the sync lane. */
    <T> CompletableFuture<T> onSync(IoTask<T> task) {
        return run(sync, task);
    }

    private static <T> CompletableFuture<T> run(Executor executor, IoTask<T> task, Object... owned) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (Throwable t) {
                    result.completeExceptionally(failure(t));
                }
            });
        } catch (RejectedExecutionException e) {
            for (Object o : owned) {
                ReferenceCountUtil.safeRelease(o);
            }
            result.completeExceptionally(new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE,
                    "sub-unit executor refused the request", e));
        }
        return result;
    }

    private static BlockDeviceException failure(Throwable t) {
        if (t instanceof BlockDeviceException b) {
            return b;
        }
        if (t instanceof ClosedChannelException) {
            return new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE, "sub-unit is closed", t);
        }
        return new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(t.getMessage()), t);
    }
}
