package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.GatewayAcks;
import io.cairn.coord.scsi.VersionedScsiContextStore;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link GatewayAcks} in this process, for other modules' tests. It stands for the whole cluster:
 * {@link #join} may be called once per simulated gateway. All gateways share one context store,
 * so a joined gateway has applied whatever the store holds, unless the test {@link #hold}s it
 * (a slow gateway: it applies nothing new until {@link #release}); {@link #leave} plays a lost
 * session. Timeouts run on the common pool's delayed executor.
 */
public final class InMemoryGatewayAcks implements GatewayAcks {

    private record Waiter(String lunId, long version, CompletableFuture<Void> done) {}

    private final VersionedScsiContextStore store;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public InMemoryGatewayAcks(VersionedScsiContextStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void join(String gatewayId) {
        live.add(Objects.requireNonNull(gatewayId, "gatewayId"));
    }

    /** The gateway stops applying changes (its acknowledgements stay behind) until released. */
    public void hold(String gatewayId) {
        held.add(gatewayId);
    }

    /** The held gateway catches up with the store. */
    public void release(String gatewayId) {
        held.remove(gatewayId);
        recheck();
    }

    /** The gateway's session ended: it stops counting. */
    public void leave(String gatewayId) {
        live.remove(gatewayId);
        recheck();
    }

    /** The live gateways that have not applied {@code version} of the LUN's context. */
    public Set<String> lagging(String lunId, long version) {
        Set<String> lagging = new TreeSet<>();
        for (String id : live) {
            if (held.contains(id) || store.appliedVersion(lunId) < version) lagging.add(id);
        }
        return lagging;
    }

    @Override
    public CompletableFuture<Void> awaitApplied(String lunId, long version, Duration timeout) {
        if (closed) return CompletableFuture.failedFuture(new CoordinationUnavailableException("closed", null));
        Waiter waiter = new Waiter(lunId, version, new CompletableFuture<>());
        waiters.add(waiter);
        waiter.done().whenComplete((ok, failure) -> waiters.remove(waiter));
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
                waiter.done().completeExceptionally(new CoordinationUnavailableException("version " + version
                        + " of LUN " + lunId + " not applied within " + timeout + " by " + lagging(lunId, version), null)));
        check(waiter);
        return waiter.done();
    }

    private void recheck() {
        waiters.forEach(this::check);
    }

    private void check(Waiter waiter) {
        if (lagging(waiter.lunId(), waiter.version()).isEmpty()) waiter.done().complete(null);
    }

    @Override
    public void close() {
        closed = true;
        waiters.forEach(w -> w.done().completeExceptionally(new CoordinationUnavailableException("closed", null)));
    }
}
