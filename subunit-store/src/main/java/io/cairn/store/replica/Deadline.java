package io.cairn.store.replica;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A time limit on a future, kept on the caller's event loop when it runs on one. The JDK's
 * {@code orTimeout} keeps every limit in one shared scheduler thread, which is woken whenever the
 * earliest limit is cancelled: once per replicated write, since writes complete in the order they
 * started. An event loop keeps its timers in its own queue, touched only by its own thread.
 */
final class Deadline {
    private Deadline() {}

    /** Fails {@code future} with a {@link TimeoutException} if it has not completed within {@code limit}. */
    static <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration limit) {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null) {
            return future.orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS);
        }
        ScheduledFuture<?> timer = loop.schedule(
                () -> future.completeExceptionally(new TimeoutException("no answer within " + limit)),
                limit.toNanos(), TimeUnit.NANOSECONDS);
        future.whenComplete((v, err) -> timer.cancel(false));
        return future;
    }
}
