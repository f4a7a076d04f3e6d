package io.cairn.store.dr;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a local copy's answer on a shipping thread (both ends block by design: one thread per link). */
final class Await {
    private Await() {}

    /** The future's value; its failure, a timeout past {@code limit} or an interrupt as an IOException naming {@code who}. */
    static <T> T get(CompletableFuture<T> future, Duration limit, String who) throws IOException {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException(who + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        } catch (TimeoutException e) {
            throw new IOException(who + " did not answer in " + limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + who);
        }
    }
}
