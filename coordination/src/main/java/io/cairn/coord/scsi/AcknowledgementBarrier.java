package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The wait of a reservation change for every live gateway (architecture.md "Consistency
 * invariants"): {@link #awaitApplied} completes once each gateway that counts has acknowledged
 * the version ({@link AcknowledgementPublisher}'s nodes, read from a watched copy), or fails as
 * unavailable after its timeout, naming the gateways that lag.
 *
 * <p>The gateways that count are those live when the wait began, read from ZooKeeper after a
 * sync, and every gateway the watched membership shows live since; one seen leaving stops
 * counting (its session ended, so it fails closed). Why the fresh read: the watched copy may not
 * show a gateway that joined just before the write yet, and that gateway must be waited for. A
 * gateway joining after the write read every context fresh when it joined, after its membership
 * became visible, so it already holds the write.
 *
 * <p>Waits are checked on every change of the two watched copies, plus every {@link #RECHECK} as a
 * safety net, and complete only while this process's session is connected.
 */
final class AcknowledgementBarrier extends ZNodeStore {

    private static final Duration RECHECK = Duration.ofSeconds(1);

    /** One pending {@link #awaitApplied}; {@code required} is null until the fresh gateway list is in. */
    private static final class Waiter {
        final String lunId;
        final long version;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Set<String> required;

        Waiter(String lunId, long version) {
            this.lunId = lunId;
            this.version = version;
        }
    }

    private final GatewayMembership membership;
    /** Keys are {@code <lunId>/<gatewayId>}. */
    private final ZNodeMirror<Long> acknowledged;
    private final ScheduledExecutorService timer;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

    private AcknowledgementBarrier(ZkSession session, GatewayMembership membership) {
        super(session);
        this.membership = membership;
        this.acknowledged = watch(LunNode.LUNS, AcknowledgementBarrier::keyOf, AcknowledgementBarrier::decodeVersion,
                (key, entry) -> recheck());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-gateway-acks-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the barrier over {@code membership}, its watched copy of the acknowledgements primed. */
    static AcknowledgementBarrier open(ZkSession session, GatewayMembership membership) {
        AcknowledgementBarrier barrier = new AcknowledgementBarrier(session, membership);
        barrier.prime();
        membership.addListener(barrier::recheck);
        barrier.timer.scheduleWithFixedDelay(barrier::recheck, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        return barrier;
    }

    private static String keyOf(String path) {
        LunNode.Member member = LunNode.APPLIED.memberOf(path);
        return member == null ? null : member.key();
    }

    private static Long decodeVersion(byte[] bytes) {
        return Long.parseLong(new String(bytes, StandardCharsets.UTF_8).trim());
    }

    /** See {@link GatewayAcks#awaitApplied}. */
    CompletableFuture<Void> awaitApplied(String lunId, long version, Duration timeout) {
        Waiter waiter = new Waiter(lunId, version);
        waiters.add(waiter);
        waiter.done.whenComplete((ok, failure) -> waiters.remove(waiter));
        try {
            timer.schedule(() -> expire(waiter, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiter.done.completeExceptionally(new CoordinationUnavailableException("gateway acknowledgements are closed", e));
            return waiter.done;
        }
        membership.readLive().whenComplete((live, failure) -> {
            if (failure != null) {
                waiter.done.completeExceptionally(failure);
                return;
            }
            waiter.required = live;
            check(waiter);
        });
        return waiter.done;
    }

    private void expire(Waiter waiter, Duration timeout) {
        if (waiter.done.isDone()) return;
        waiter.done.completeExceptionally(new CoordinationUnavailableException("version " + waiter.version
                + " of LUN " + waiter.lunId + "'s SCSI context not applied within " + timeout + " by gateways "
                + lagging(waiter), null));
    }

    /** Checks every wait again: a gateway acknowledged, came or went, or the session came back. */
    void recheck() {
        for (Waiter waiter : waiters) check(waiter);
    }

    private void check(Waiter waiter) {
        if (waiter.required != null && session.isConnected() && lagging(waiter).isEmpty()) {
            waiter.done.complete(null);
        }
    }

    /** The gateways that count and have not yet acknowledged the waiter's version. */
    private List<String> lagging(Waiter waiter) {
        Set<String> counted = new HashSet<>();
        Set<String> required = waiter.required;
        if (required != null) counted.addAll(required);
        counted.addAll(membership.seenLive());
        List<String> lagging = new ArrayList<>();
        for (String id : counted) {
            if (membership.seenLeaving(id)) continue;
            ZNodeMirror.Entry<Long> ack = acknowledged.get(waiter.lunId + "/" + id);
            if (ack == null || ack.value() == null || ack.value() < waiter.version) lagging.add(id);
        }
        lagging.sort(null);
        return lagging;
    }

    /** Pending waits fail as unavailable; stops the watch. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (Waiter waiter : waiters) {
            waiter.done.completeExceptionally(new CoordinationUnavailableException("gateway acknowledgements closed", null));
        }
        super.close();
    }
}
