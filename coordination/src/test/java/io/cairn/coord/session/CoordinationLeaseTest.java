package io.cairn.coord.session;

import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.testkit.Eventually;
import io.cairn.coord.SessionState;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session lease against a real ZooKeeper server: its round trip, and Coordination's use of it. */
class CoordinationLeaseTest {

    private static final Duration SESSION = Duration.ofSeconds(6);
    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Test
    void roundTripNamesTheSessionAndItsNegotiatedTimeout() throws Exception {
        Coordination coordination = zk.newCoordination(zk.settings().withSessionTimeout(SESSION));
        SessionLease.Answer answer = new ZkRoundTrip(coordination.curator()).call();
        long sessionId = coordination.curator().getZookeeperClient().getZooKeeper().getSessionId();
        assertEquals(sessionId, answer.sessionId());
        // the embedded server's tick is such that 6 s lies within its bounds: granted as asked
        assertEquals(SESSION, answer.negotiatedTimeout());
    }

    @Test
    void roundTripFailsWhileTheServerIsDown() {
        Coordination coordination = zk.newCoordination(zk.settings().withSessionTimeout(SESSION));
        ZkRoundTrip roundTrip = new ZkRoundTrip(coordination.curator());
        zk.stopServer();
        try {
            assertThrows(CoordinationUnavailableException.class, roundTrip::call);
        } finally {
            zk.startServer();
        }
    }

    @Test
    void aPausedProcessCountsAsDisconnectedAtOnceAndCatchesUpThroughListeners() {
        AtomicLong clock = new AtomicLong(System.nanoTime());
        Coordination coordination = new Coordination(
                zk.settings().withSessionTimeout(SESSION), clock::get).start();
        try {
            List<SessionState> heard = new CopyOnWriteArrayList<>();
            coordination.addConnectionListener(heard::add);
            assertTrue(coordination.isConnected());
            assertEquals(SessionState.CONNECTED, coordination.state());

            // As after a SIGSTOP longer than the session timeout: Curator has seen nothing yet,
            // yet the lease no longer vouches for anything, with no event needed.
            clock.addAndGet(SESSION.toNanos());
            assertFalse(coordination.isConnected());
            assertEquals(SessionState.SUSPENDED, coordination.state());

            Eventually.await("the renewer reports the lapse and then the renewal",
                    () -> heard.contains(SessionState.RECONNECTED));
            assertEquals(List.of(SessionState.SUSPENDED, SessionState.RECONNECTED), heard);
            assertTrue(coordination.isConnected());
        } finally {
            coordination.close();
        }
    }

    @Test
    void aLeaseThatCannotBeRenewedLapsesBeforeTheSessionCouldExpire() {
        AtomicLong clock = new AtomicLong(System.nanoTime());
        Coordination coordination = new Coordination(
                zk.settings().withSessionTimeout(SESSION), clock::get).start();
        try {
            zk.stopServer();
            try {
                // Curator may not have noticed the outage yet; the lease ends on its own clock,
                // half a session timeout after the last answered request was sent
                clock.addAndGet(SESSION.toNanos() / 2);
                assertFalse(coordination.isConnected(), "half the session timeout after the last send");
                assertEquals(SessionState.SUSPENDED, coordination.state());
            } finally {
                zk.startServer();
            }
            Eventually.await("renewed after the server returned", coordination::isConnected);
        } finally {
            coordination.close();
        }
    }
}
