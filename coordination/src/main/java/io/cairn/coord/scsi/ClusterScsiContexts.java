package io.cairn.coord.scsi;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.lun.LunCatalog;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A gateway's SCSI context store in a cluster: a reservation change completes only when every live
 * gateway has applied it, and reads that must see the latest state read ZooKeeper.
 */
public final class ClusterScsiContexts implements ScsiContextStore {

    private final VersionedScsiContextStore store;
    private final GatewayAcks acks;
    private final Duration applyTimeout;
    private final SessionGate gate;

    /**
     * A gateway's contexts over {@code store} (this process's, from {@code Coordination.openScsiContextStore})
     * and {@code acks}: reservation changes wait up to {@code applyTimeout} for every live gateway, and
     * no context counts as current from a session interruption until every LUN of {@code catalog}
     * has been read fresh again (retried on {@code timer}).
     */
    public static ClusterScsiContexts open(ZkSession session, LunCatalog catalog, VersionedScsiContextStore store,
                                           GatewayAcks acks, Duration applyTimeout, ScheduledExecutorService timer) {
        return new ClusterScsiContexts(store, acks, applyTimeout, new SessionGate(session, catalog, store, timer));
    }

    ClusterScsiContexts(VersionedScsiContextStore store, GatewayAcks acks, Duration applyTimeout, SessionGate gate) {
        this.store = store;
        this.acks = acks;
        this.applyTimeout = applyTimeout;
        this.gate = gate;
    }

    /** Fail closed: not current while the ZooKeeper session is interrupted or not yet caught up. */
    @Override
    public boolean isCurrent(String lunId) {
        return gate.isOpen();
    }

    @Override
    public ScsiContext current(String lunId) {
        return store.current(lunId);
    }

    @Override
    public <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change) {
        return store.update(lunId, change);
    }

    @Override
    public CompletableFuture<ScsiContext> fresh(String lunId) {
        return store.fresh(lunId);
    }

    /** Writes, then waits until every live gateway holds at least the version written (or decided on). */
    @Override
    public <R> CompletableFuture<R> updateEverywhere(String lunId, Function<ScsiContext, Update<R>> change) {
        return store.updateVersioned(lunId, change).thenCompose(w ->
                acks.awaitApplied(lunId, w.version(), applyTimeout).thenApply(v -> w.result()));
    }

    @Override
    public void addListener(String lunId, Consumer<ScsiContext> listener) {
        store.addListener(lunId, listener);
    }

    /** This gateway acknowledges a version only after these steps (PREEMPT AND ABORT's aborts) are done. */
    @Override
    public void addApplyStep(ApplyStep step) {
        store.addApplyStep(step);
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        return store.delete(lunId);
    }

    @Override
    public void close() {
        store.close();
    }
}
