package io.cairn.testkit.zookeeper;

import io.cairn.testkit.Eventually;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's ensemble mode, with a bare ZooKeeper client: a quorum of three that survives one loss, not two. */
class ZooKeeperHarnessTest {

    private static final byte[] DATA = "kept".getBytes(StandardCharsets.UTF_8);

    /** A client of exactly {@code connect}, connected, or null if no server there answered within two seconds. */
    private static ZooKeeper client(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 4_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        });
        if (connected.await(2, TimeUnit.SECONDS)) return zk;
        zk.close();
        return null;
    }

    private static void create(ZooKeeper zk, String path) throws Exception {
        zk.create(path, DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Test
    void anEnsembleOfThreeServesThroughTheLossOfOneAndStopsWithoutAQuorum() throws Exception {
        try (ZooKeeperHarness harness = ZooKeeperHarness.startEnsemble(3)) {
            assertEquals(3, harness.size());
            assertEquals(3, harness.connectString().split(",").length);

            ZooKeeper one = harness.closeWithHarness(client(harness.connectString(1)));
            assertNotNull(one, "server 1 serves");
            create(one, "/written-on-1");
            ZooKeeper three = harness.closeWithHarness(client(harness.connectString(3)));
            three.sync("/", (rc, path, ctx) -> { }, null);
            assertArrayEquals(DATA, three.getData("/written-on-1", false, null), "one ensemble, one state");

            harness.stopServer(2);
            assertFalse(harness.isRunning(2));
            create(one, "/written-with-2-down"); // a quorum of two commits

            harness.stopServer(3);
            assertNull(client(harness.connectString(1)), "the last server alone has no quorum and serves no one");

            harness.startServer(2); // a quorum again: waits until server 2 serves
            assertTrue(harness.isRunning(2));
            ZooKeeper two = harness.closeWithHarness(client(harness.connectString(2)));
            assertNotNull(two.exists("/written-on-1", false));
            assertNotNull(two.exists("/written-with-2-down", false), "a write the quorum acknowledged survives");

            harness.startServer(3);
            assertThrows(IllegalStateException.class, () -> harness.startServer(3), "already running");
        }
    }

    @Test
    void sessionsExpireEnsembleWide() throws Exception {
        try (ZooKeeperHarness harness = ZooKeeperHarness.startEnsemble(3)) {
            ZooKeeper owner = harness.closeWithHarness(client(harness.connectString(1)));
            owner.create("/ephemeral", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            harness.expireSession(owner);
            ZooKeeper observer = harness.closeWithHarness(client(harness.connectString(3)));
            observer.sync("/", (rc, path, ctx) -> { }, null);
            assertNull(observer.exists("/ephemeral", false), "the expired session's node is gone everywhere");
            Eventually.await("the owner learns its session expired", () -> !owner.getState().isAlive());
            assertThrows(KeeperException.SessionExpiredException.class, () -> owner.exists("/", false));
        }
    }
}
