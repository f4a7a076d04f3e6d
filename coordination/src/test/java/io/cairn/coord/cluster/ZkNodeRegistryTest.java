package io.cairn.coord.cluster;

import io.cairn.testkit.coord.NodeRegistryContract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZkNodeRegistryTest extends NodeRegistryContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();
    private final Map<NodeRegistry, Coordination> owners = new ConcurrentHashMap<>();

    @Override
    protected NodeRegistry process() {
        Coordination coordination = zk.newCoordination();
        NodeRegistry registry = coordination.openNodeRegistry();
        owners.put(registry, coordination);
        return registry;
    }

    /** The process stops: closing its client ends its session. */
    @Override
    protected void endSession(NodeRegistry registry, int nodeId) {
        owners.get(registry).close();
    }

    private static long sessionOf(Coordination coordination) throws Exception {
        return coordination.curator().getZookeeperClient().getZooKeeper().getSessionId();
    }

    @Test
    void registrationIsAnEphemeralAndAPersistentVersionedDocument() throws Exception {
        Coordination coordination = zk.newCoordination();
        coordination.openNodeRegistry().register(N3);
        ObjectMapper json = new ObjectMapper();
        Stat live = new Stat();
        JsonNode doc = json.readTree(coordination.curator().getData().storingStatIn(live).forPath("/nodes/live/3"));
        assertEquals(1, doc.get("format").asInt());
        assertEquals("osaka", doc.get("site").asText());
        assertEquals(7001, doc.get("port").asInt());
        assertEquals(sessionOf(coordination), live.getEphemeralOwner());
        Stat known = new Stat();
        assertEquals(doc, json.readTree(coordination.curator().getData().storingStatIn(known).forPath("/nodes/known/3")));
        assertEquals(0, known.getEphemeralOwner(), "known registration is persistent");
    }

    @Test
    void expiredSessionDropsTheNodeUntilItRegistersAgainOnTheNewSession() throws Exception {
        Coordination nodeClient = zk.newCoordination();
        nodeClient.openNodeRegistry().register(N1);
        NodeRegistry observer = process();
        List<Boolean> liveness = new CopyOnWriteArrayList<>();
        observer.addListener(() -> liveness.add(observer.isLive(1)));
        assertTrue(observer.isLive(1));
        long oldSession = sessionOf(nodeClient);

        zk.expireSession(nodeClient);
        Eventually.await("others saw node 1 leave", () -> liveness.contains(false));
        assertEquals(List.of(N1), observer.known(), "still known while gone");
        // the process itself is fine, so its registration comes back under its new session
        Eventually.await("node 1 live again", () -> liveness.lastIndexOf(true) > liveness.indexOf(false));
        Stat stat = nodeClient.curator().checkExists().forPath("/nodes/live/1");
        assertNotEquals(oldSession, stat.getEphemeralOwner());
        assertEquals(sessionOf(nodeClient), stat.getEphemeralOwner());
    }

    @Test
    void registrationLeftByAPreviousIncarnationIsTakenOverWhenItsSessionEnds() throws Exception {
        Coordination previous = zk.newCoordination();
        NodeInfo old = new NodeInfo(7, "tokyo", "10.0.0.7", 7000);
        previous.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/nodes/live/7", NodeInfoCodec.encode(old));

        Coordination restarted = zk.newCoordination();
        NodeRegistry registry = restarted.openNodeRegistry();
        NodeInfo now = new NodeInfo(7, "tokyo", "10.0.0.77", 7000);
        registry.register(now); // does not wait for the old session to time out
        Eventually.await("new details announced", () -> registry.node(7).equals(java.util.Optional.of(now)));
        assertTrue(registry.isLive(7));

        previous.close(); // the old incarnation's session finally ends, taking its node with it
        long mine = sessionOf(restarted);
        Eventually.await("live node re-created by the restarted node's session", () -> {
            try {
                Stat stat = restarted.curator().checkExists().forPath("/nodes/live/7");
                return stat != null && stat.getEphemeralOwner() == mine;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.await("live after the takeover", () -> registry.isLive(7));
        assertEquals(List.of(now), registry.live());
    }

    @Test
    void closingTheRegistryWithdrawsTheLiveRegistrationOnly() {
        Coordination coordination = zk.newCoordination();
        NodeRegistry registry = coordination.openNodeRegistry();
        registry.register(N2);
        NodeRegistry observer = process();
        assertTrue(observer.isLive(2));
        registry.close();
        Eventually.await("withdrawn", () -> !observer.isLive(2));
        assertTrue(coordination.isConnected());
        assertEquals(List.of(N2), observer.known());
    }
}
