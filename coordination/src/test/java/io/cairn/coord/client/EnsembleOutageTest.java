package io.cairn.coord.client;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.ZooKeeperFixture;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.zookeeper.ZooKeeperHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client of a three-server ensemble: it rides out the loss of one server (a quorum of two
 * remains), fails closed without a quorum, and comes back with every acknowledged write.
 */
class EnsembleOutageTest {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture(3);

    private static final Pattern REMOTE = Pattern.compile("remoteserver:[^ ]*:(\\d+)");

    private static LunDefinition lun(String id) {
        return lun(id, 4096);
    }

    private static LunDefinition lun(String id, long blocks) {
        return new LunDefinition(id, "iqn.2024-01.io.cairn:" + id, 512, blocks, 2048, 2,
                "6" + "0123456789abcdef0123456789abcde", "SN-" + id, 1_700_000_000_000L);
    }

    /**
     * The server the client's session talks to now, or 0 while it talks to none. ZooKeeper tells it
     * only in its handle's description ("remoteserver:/127.0.0.1:port"); good enough for a test
     * that must stop exactly that server.
     */
    private static int serverOf(Coordination client) {
        String handle;
        try {
            handle = client.curator().getZookeeperClient().getZooKeeper().toString();
        } catch (Exception e) {
            return 0;
        }
        Matcher m = REMOTE.matcher(handle);
        if (!m.find()) return 0;
        ZooKeeperHarness harness = zk.harness();
        for (int id = 1; id <= harness.size(); id++) {
            if (harness.connectString(id).endsWith(":" + m.group(1))) return id;
        }
        return 0;
    }

    /** {@link #serverOf}, which a connected client must know. */
    private static int connectedServerOf(Coordination client) {
        int server = serverOf(client);
        assertTrue(server > 0, "a connected client talks to a server of the ensemble");
        return server;
    }

    @Test
    void withOneServerOfThreeDownTheClientFailsOverAndKeepsReadingAndWriting() throws Exception {
        Coordination client = zk.newCoordination();
        LunCatalog catalog = client.openLunCatalog();
        catalog.create(lun("before"));
        int stopped = connectedServerOf(client);
        zk.harness().stopServer(stopped);
        try {
            assertEquals(Optional.of(lun("before")), catalog.get("before"), "reads never wait for a server");
            Eventually.await("reconnected to another server",
                    () -> client.isConnected() && serverOf(client) != stopped && serverOf(client) != 0);
            catalog.create(lun("during"));
            catalog.update(lun("before", 8192));
            LunCatalog peer = zk.newCoordination().openLunCatalog();
            assertEquals(List.of("before", "during"), peer.list().stream().map(LunDefinition::id).toList());
            assertEquals(8192, peer.get("before").orElseThrow().blockCount());
        } finally {
            zk.harness().startServer(stopped);
        }
    }

    @Test
    void withoutAQuorumTheClientFailsClosedAndAfterwardsSeesEveryAcknowledgedWrite() throws Exception {
        Coordination.Settings settings = zk.settings();
        Coordination client = zk.newCoordination(settings);
        LunCatalog catalog = client.openLunCatalog();
        PlacementStore placements = client.openPlacementStore();
        List<String> acknowledged = new ArrayList<>();
        catalog.create(lun("a"));
        acknowledged.add("a");
        SubUnitPlacement placed = new SubUnitPlacement("a", 0, List.of(1, 2), 1, 1, List.of(1, 2));
        placements.update("a", 0, current -> placed).get(30, TimeUnit.SECONDS);

        ZooKeeperHarness harness = zk.harness();
        int kept = connectedServerOf(client) % 3 + 1; // stop the client's server and one other
        List<Integer> stopped = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            if (id != kept) {
                harness.stopServer(id);
                stopped.add(id);
            }
        }
        try {
            Eventually.await("the client knows it has no session to trust", () -> !client.isConnected());
            // every write fails as unavailable, within the configured timeouts: the connection
            // timeout for each of the retry policy's attempts, well inside the session timeout
            long started = System.nanoTime();
            assertThrows(CoordinationUnavailableException.class, () -> catalog.create(lun("lost")));
            assertThrows(CoordinationUnavailableException.class, () -> catalog.update(lun("a", 1)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> placements.update("a", 0,
                    current -> current.withPrimary(2, List.of(2))).get(30, TimeUnit.SECONDS));
            assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(settings.sessionTimeout()) < 0, "failed after " + took);
            assertFalse(client.isConnected());
            assertEquals(Optional.of(lun("a")), catalog.get("a"), "the local copy still answers reads");
        } finally {
            for (int id : stopped) harness.startServer(id);
        }

        Eventually.await("the client is back", client::isConnected);
        catalog.create(lun("b"));
        acknowledged.add("b");
        LunCatalog fresh = zk.newCoordination().openLunCatalog();
        for (String id : acknowledged) {
            assertEquals(Optional.of(lun(id)), fresh.get(id), "acknowledged write " + id);
            Eventually.await("the client's copy holds " + id, () -> catalog.get(id).isPresent());
        }
        assertEquals(Optional.of(lun("a")), fresh.get("a"), "the refused update changed nothing");
        assertEquals(Optional.of(placed), zk.newCoordination().openPlacementStore().get("a", 0));
    }
}
