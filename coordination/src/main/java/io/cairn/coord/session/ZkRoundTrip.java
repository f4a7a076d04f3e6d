package io.cairn.coord.session;

import io.cairn.coord.CoordinationUnavailableException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

import java.time.Duration;
import java.util.Objects;

/**
 * The lease's round trip: {@code exists("/")} on the session's own ZooKeeper handle. The root always
 * exists, the request carries no data and the server answers it from memory. The raw handle, not
 * Curator's retrying operations: a retry would answer for a later attempt, and an expired handle
 * must fail rather than be replaced by a new session behind the lease's back.
 */
public final class ZkRoundTrip implements SessionLease.RoundTrip {

    private final CuratorFramework curator;

    public ZkRoundTrip(CuratorFramework curator) {
        this.curator = Objects.requireNonNull(curator, "curator");
    }

    @Override
    public SessionLease.Answer call() {
        ZooKeeper zk;
        try {
            zk = curator.getZookeeperClient().getZooKeeper();
        } catch (Exception e) { // Curator declares Exception: not started, or closed
            throw new CoordinationUnavailableException("no ZooKeeper handle", e);
        }
        try {
            zk.exists("/", false);
        } catch (KeeperException e) {
            throw new CoordinationUnavailableException("lease round trip failed: " + e.code(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationUnavailableException("lease round trip interrupted", e);
        }
        // the negotiated value, known once connected (0 before): SessionLease refuses a zero timeout
        return new SessionLease.Answer(zk.getSessionId(), Duration.ofMillis(zk.getSessionTimeout()));
    }
}
