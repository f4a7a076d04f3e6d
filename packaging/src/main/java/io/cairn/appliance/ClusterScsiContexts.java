package io.cairn.appliance;

import io.cairn.coord.scsi.GatewayAcks;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.scsi.VersionedScsiContextStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A gateway's SCSI context store in a cluster: a reservation change completes only when every live
 * gateway has applied it, and reads that must see the latest state read ZooKeeper.
 */
final class ClusterScsiContexts implements ScsiContextStore {

    private final VersionedScsiContextStore store;
    private final GatewayAcks acks;
    private final Duration applyTimeout;
    private final SessionGate gate;

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
