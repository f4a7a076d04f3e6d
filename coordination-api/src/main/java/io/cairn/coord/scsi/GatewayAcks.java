package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Which version of each LUN's SCSI context every live gateway has applied. architecture.md
 * "Consistency invariants": a PERSISTENT RESERVE OUT that changes state completes only after
 * every live gateway presenting the LUN has applied it, so no gateway lets through I/O that the
 * new state forbids. Every gateway presents every LUN, so "presenting the LUN" is "live".
 *
 * <p>Versions are those of a {@link VersionedScsiContextStore}.
 */
public interface GatewayAcks extends AutoCloseable {

    /**
     * Makes this process a live gateway named {@code gatewayId}: from now on it acknowledges each
     * version of each LUN's context its local copy applies, and others wait for it. Call once,
     * before serving I/O. A gateway that loses its session stops counting until its new session
     * has joined again (it fails closed meanwhile).
     *
     * @throws CoordinationUnavailableException if the membership could not be made live
     */
    void join(String gatewayId);

    /**
     * Completes when every live gateway has applied {@code version} (or newer) of the LUN's
     * context; gateways that leave meanwhile stop counting. Completes exceptionally with
     * {@link CoordinationUnavailableException} after {@code timeout} (the caller answers BUSY
     * or the like: the change was made, but not yet everywhere).
     */
    CompletableFuture<Void> awaitApplied(String lunId, long version, Duration timeout);

    /** Leaves (this gateway stops counting); pending waits fail as unavailable. */
    @Override
    void close();
}
