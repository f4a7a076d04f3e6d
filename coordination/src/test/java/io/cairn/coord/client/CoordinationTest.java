package io.cairn.coord.client;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import io.cairn.coord.ZooKeeperFixture;

import io.cairn.testkit.Eventually;
import io.cairn.coord.scsi.ScsiContextStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinationTest {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Test
    void startedClientIsConnectedInItsNamespace() throws Exception {
        Coordination coordination = zk.newCoordination();
        assertTrue(coordination.isConnected());
        assertEquals(SessionState.CONNECTED, coordination.state());
        coordination.curator().create().forPath("/marker");
        Coordination root = zk.newCoordination(zk.settings().withNamespace(""));
        assertTrue(root.curator().checkExists().forPath("/" + zk.namespace() + "/marker") != null);
    }

    @Test
    void listenersFollowTheConnectionThroughAServerOutage() {
        Coordination coordination = zk.newCoordination();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        coordination.addConnectionListener(states::add);
        zk.stopServer();
        try {
            Eventually.await("suspended", () -> states.contains(SessionState.SUSPENDED));
            assertFalse(coordination.isConnected());
        } finally {
            zk.startServer();
        }
        Eventually.await("reconnected", () -> states.contains(SessionState.RECONNECTED));
        assertTrue(coordination.isConnected());
        assertFalse(states.contains(SessionState.LOST), "a short outage keeps the session: " + states);
    }

    @Test
    void closingTheClientClosesItsStores() throws Exception {
        Coordination coordination = new Coordination(zk.settings()).start();
        ScsiContextStore store = coordination.openScsiContextStore();
        coordination.close();
        assertFalse(coordination.isConnected());
        ExecutionException e = assertThrows(ExecutionException.class, () -> store.update("lun-a",
                c -> new ScsiContextStore.Update<>(c.withAptpl(true), null)).get(30, TimeUnit.SECONDS));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
    }
}
