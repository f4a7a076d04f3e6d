package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Per-LUN SCSI context, strongly consistent across gateways: reads come from a local copy kept
 * current by a watch; every change is a versioned compare-and-set in ZooKeeper.
 */
public interface ScsiContextStore extends AutoCloseable {

    /** The latest context this process has seen, never null ({@link ScsiContext#EMPTY} at first). No I/O. */
    ScsiContext current(String lunId);

    /**
     * Applies {@code change} to the current context and writes the result if nobody changed it
     * meanwhile; otherwise re-reads and applies it again. {@code change} must be a pure function.
     * When it returns an {@link Update} with a null {@code next}, nothing is written.
     * Completes exceptionally with {@link CoordinationUnavailableException} if the store cannot
     * reach ZooKeeper; then nothing was written.
     */
    <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change);

    /** Called, on a coordination thread, with each new context written by anyone. */
    void addListener(String lunId, Consumer<ScsiContext> listener);

    /** Drops a LUN's context (the LUN was deleted). */
    CompletableFuture<Void> delete(String lunId);

    @Override
    void close();

    /** The outcome of one application of a change: the document to write (null: none) and a result. */
    record Update<R>(ScsiContext next, R result) {
        public static <R> Update<R> unchanged(R result) {
            return new Update<>(null, result);
        }
    }
}
