package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A {@link ScsiContextStore} that tells which version of each LUN's context it holds and wrote,
 * so a PERSISTENT RESERVE OUT can wait until every live gateway has applied its change
 * ({@link GatewayAcks}, architecture.md "Consistency invariants"), and that can read the latest
 * document when a command must decide on it rather than on the local copy.
 *
 * <p>A context version only grows, across deletes and re-creations of the document too; 0 means
 * "never written". Versions of different LUNs are not comparable.
 */
public interface VersionedScsiContextStore extends ScsiContextStore {

    /** The version of the context in this process's local copy (what its listeners were handed). No I/O. */
    long appliedVersion(String lunId);

    /**
     * As {@link #update}, and also tells the version written; when the change wrote nothing, the
     * version of the fresh document it was decided on (awaiting that is harmless).
     */
    <R> CompletableFuture<Written<R>> updateVersioned(String lunId, Function<ScsiContext, Update<R>> change);

    /**
     * Reads the latest context from the shared store (not the local copy) and brings the local
     * copy up to it: for commands that must decide on the latest state (PERSISTENT RESERVE IN).
     * Completes exceptionally with {@link CoordinationUnavailableException} if the store cannot be reached.
     */
    CompletableFuture<ScsiContext> fresh(String lunId);

    /** The outcome of {@link #updateVersioned}: the change's result and the context version it left. */
    record Written<R>(R result, long version) {}
}
