package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link GatewayAcks} in ZooKeeper, in three parts: the {@link GatewayMembership} (which gateways
 * are live, and the power-on decision of a joining one), the {@link AcknowledgementPublisher}
 * (this gateway's acknowledgement of each version its {@link ZkScsiContextStore} applied) and
 * the {@link AcknowledgementBarrier} (a wait for every live gateway's). This class joins them:
 * joining is acknowledging what the store holds, becoming live, then catching up with every
 * context written before this gateway was visible.
 */
public final class ZkGatewayAcks implements GatewayAcks {

    private final ZkSession session;
    private final ZkScsiContextStore store;
    private final GatewayMembership membership;
    private final AcknowledgementPublisher acknowledgements;
    private final AcknowledgementBarrier barrier;
    private volatile String gatewayId;

    private ZkGatewayAcks(ZkSession session, ZkScsiContextStore store, GatewayMembership membership,
                          AcknowledgementBarrier barrier) {
        this.session = session;
        this.store = store;
        this.membership = membership;
        this.barrier = barrier;
        this.acknowledgements = new AcknowledgementPublisher(session, store);
    }

    /** Opens the acknowledgements over {@code store}'s local copy; use {@code Coordination.openGatewayAcks}. */
    public static ZkGatewayAcks open(ZkSession session, ZkScsiContextStore store) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(store, "store");
        GatewayMembership membership = GatewayMembership.open(session);
        AcknowledgementBarrier barrier;
        try {
            barrier = AcknowledgementBarrier.open(session, membership);
        } catch (RuntimeException e) {
            membership.close();
            throw e;
        }
        ZkGatewayAcks acks = new ZkGatewayAcks(session, store, membership, barrier);
        session.addConnectionListener(acks::sessionChanged);
        return acks;
    }

    /** The membership node of a gateway. */
    static String gatewayPath(String gatewayId) {
        return GatewayMembership.path(gatewayId);
    }

    /** The node holding the version of the LUN's context the gateway acknowledged. */
    static String appliedPath(String lunId, String gatewayId) {
        return AcknowledgementPublisher.path(lunId, gatewayId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns once the membership node exists and every LUN's context has been read fresh into
     * the local copy (so the gateway holds every change made before it became visible as live);
     * serve I/O only after that.
     */
    @Override
    public synchronized void join(String gatewayId) {
        Objects.requireNonNull(gatewayId, "gatewayId");
        if (gatewayId.isEmpty() || gatewayId.contains("/")) throw new IllegalArgumentException("bad gateway id " + gatewayId);
        if (this.gatewayId != null) throw new IllegalStateException("already joined as " + this.gatewayId);
        if (!session.isConnected()) {
            throw new CoordinationUnavailableException("gateway " + gatewayId + " cannot join: not connected to ZooKeeper at "
                    + session.connectString(), null);
        }
        this.gatewayId = gatewayId;
        acknowledgements.start(gatewayId);
        membership.enter(gatewayId);
        catchUp();
    }

    /**
     * As {@link #join(String)}, deciding first whether this join powers the cluster's logical
     * units on: see {@link GatewayMembership#joinDecidingPowerOn}.
     *
     * @param powerOn runs, on this thread, when this join is a power-on; may block on ZooKeeper
     * @return whether this join was a power-on
     * @throws CoordinationUnavailableException if the lock, the membership or {@code powerOn} failed
     */
    public boolean join(String gatewayId, Runnable powerOn) {
        Objects.requireNonNull(powerOn, "powerOn");
        return membership.joinDecidingPowerOn(gatewayId, powerOn, () -> join(gatewayId));
    }

    /** Reads every LUN's context fresh: the contexts written before this gateway's membership was visible. */
    private void catchUp() {
        List<String> luns;
        try {
            session.sync(LunNode.LUNS);
            luns = session.curator().checkExists().forPath(LunNode.LUNS) == null ? List.of()
                    : session.curator().getChildren().forPath(LunNode.LUNS);
        } catch (Exception e) {
            throw session.unavailable("read the LUNs", e);
        }
        try {
            CompletableFuture.allOf(luns.stream().map(store::fresh).toArray(CompletableFuture[]::new))
                    .get(GatewayMembership.JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw session.unavailable("read the SCSI contexts", e);
        }
    }

    /** A new session has none of the old session's ephemeral acknowledgements: write them again. */
    private void sessionChanged(SessionState state) {
        if (state != SessionState.RECONNECTED && state != SessionState.CONNECTED) return;
        if (gatewayId == null) return;
        acknowledgements.publishAll();
        barrier.recheck();
    }

    @Override
    public CompletableFuture<Void> awaitApplied(String lunId, long version, Duration timeout) {
        Objects.requireNonNull(lunId, "lunId");
        return barrier.awaitApplied(lunId, version, timeout);
    }

    /** Leaves: deletes the membership and this gateway's acknowledgements; pending waits fail. */
    @Override
    public void close() {
        membership.close();
        acknowledgements.close();
        barrier.close();
    }
}
