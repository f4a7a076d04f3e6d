package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;

import java.util.List;
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

    /**
     * The latest context as ZooKeeper holds it, not the local copy: for decisions that must see a
     * change another gateway made a moment ago (PERSISTENT RESERVE IN). The default (one process)
     * is the local copy, which is then always the latest.
     */
    default CompletableFuture<ScsiContext> fresh(String lunId) {
        return CompletableFuture.completedFuture(current(lunId));
    }

    /**
     * Like {@link #update}, but completes only once every live gateway has applied the written
     * context, so no gateway still admits I/O the new state forbids (architecture.md "Consistency
     * invariants": PERSISTENT RESERVE OUT). The default (one process) is {@link #update}.
     */
    default <R> CompletableFuture<R> updateEverywhere(String lunId, Function<ScsiContext, Update<R>> change) {
        return update(lunId, change);
    }

    /**
     * Whether this process's copy of the LUN's context is known to be current: connected to
     * ZooKeeper and caught up since the last interruption. While false a gateway admits no I/O to
     * the LUN (architecture.md "Consistency invariants": fail closed; safety over availability for reservations). One process
     * alone is always current.
     */
    default boolean isCurrent(String lunId) {
        return true;
    }

    /** Called, on a coordination thread, with each new context written by anyone. */
    void addListener(String lunId, Consumer<ScsiContext> listener);

    /**
     * Registers work this process must finish on each new context version, of every LUN, before
     * that version counts as applied here; a gateway acknowledges a version ({@link GatewayAcks})
     * only then, so a PERSISTENT RESERVE OUT waiting for every gateway also waits for this work
     * everywhere (PREEMPT AND ABORT: the preempted tasks are aborted on every gateway), and
     * {@link #updateEverywhere} completes only once every process, this one included, has run them.
     * This is the only place such work happens: a store serving a SCSI core must run its steps.
     * The default ignores them, for stores that serve none.
     */
    default void addApplyStep(ApplyStep step) {
    }

    /** Work on one new context version; see {@link #addApplyStep}. */
    @FunctionalInterface
    interface ApplyStep {
        /**
         * Called on a coordination thread; must not block. {@code before} is the context this
         * process applied last ({@link ScsiContext#EMPTY} at first), {@code after} the new one.
         * The version counts as applied when the returned future completes, normally or not.
         */
        CompletableFuture<Void> apply(String lunId, ScsiContext before, ScsiContext after);

        /**
         * Runs every step on one version. The result completes once all have finished, with the
         * first failure if any did fail (a step that throws counts as failed); a store logs that
         * failure and still counts the version as applied.
         */
        static CompletableFuture<Void> runAll(List<ApplyStep> steps, String lunId, ScsiContext before, ScsiContext after) {
            List<ApplyStep> now = List.copyOf(steps); // a step added meanwhile waits for the next version
            if (now.isEmpty()) return CompletableFuture.completedFuture(null);
            CompletableFuture<?>[] all = new CompletableFuture<?>[now.size()];
            int i = 0;
            for (ApplyStep step : now) {
                CompletableFuture<Void> f;
                try {
                    f = step.apply(lunId, before, after);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                all[i++] = f == null ? CompletableFuture.completedFuture(null) : f;
            }
            return CompletableFuture.allOf(all);
        }
    }

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
