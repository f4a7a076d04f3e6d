package io.cairn.coord.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SendTargets on any gateway lists every live gateway's portal (RFC 7143 Appendix C). */
class ZkPortalRegistryTest {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Test
    void everyGatewaySeesEveryPortalSorted() throws Exception {
        Coordination aClient = zk.newCoordination();
        ZkPortalRegistry a = ZkPortalRegistry.open(aClient.session());
        ZkPortalRegistry b = ZkPortalRegistry.open(zk.newCoordination().session());
        b.register("gateway-2", "10.0.0.2:3260,2");
        a.register("gateway-1", "10.0.0.1:3260,1");
        byte[] stored = aClient.curator().getData().forPath("/portals/gateway-1");
        assertEquals("10.0.0.1:3260,1", new String(stored, StandardCharsets.UTF_8), "the TargetAddress value as is");
        List<String> both = List.of("10.0.0.1:3260,1", "10.0.0.2:3260,2");
        Eventually.await("A sees both", () -> a.portals().equals(both));
        Eventually.await("B sees both", () -> b.portals().equals(both));
        a.close();
        b.close();
    }

    @Test
    void registeringAgainReplacesTheGatewaysPortal() {
        ZkPortalRegistry a = ZkPortalRegistry.open(zk.newCoordination().session());
        ZkPortalRegistry b = ZkPortalRegistry.open(zk.newCoordination().session());
        a.register("gateway-1", "10.0.0.1:3260,1");
        Eventually.await("B sees the first address", () -> b.portals().equals(List.of("10.0.0.1:3260,1")));
        a.register("gateway-1", "10.0.0.9:3260,1");
        Eventually.await("B sees only the new address", () -> b.portals().equals(List.of("10.0.0.9:3260,1")));
        a.close();
        b.close();
    }

    @Test
    void closingWithdrawsThePortalAndAnExpiredSessionBringsItBack() throws Exception {
        Coordination aClient = zk.newCoordination();
        Coordination bClient = zk.newCoordination();
        ZkPortalRegistry a = ZkPortalRegistry.open(aClient.session());
        ZkPortalRegistry b = ZkPortalRegistry.open(bClient.session());
        a.register("gateway-1", "10.0.0.1:3260,1");
        Eventually.await("B sees A", () -> b.portals().size() == 1);
        long firstIncarnation = bClient.curator().checkExists().forPath("/portals/gateway-1").getCzxid();
        zk.expireSession(aClient); // the ephemeral node goes with the session and is made again on the next
        Eventually.await("A's portal is made again on a new session", () -> {
            try {
                Stat now = bClient.curator().checkExists().forPath("/portals/gateway-1");
                return now != null && now.getCzxid() != firstIncarnation;
            } catch (Exception e) {
                return false;
            }
        });
        Eventually.await("B sees it", () -> b.portals().equals(List.of("10.0.0.1:3260,1")));
        a.close();
        Eventually.await("closing withdraws it", () -> b.portals().isEmpty());
        assertNull(bClient.curator().checkExists().forPath("/portals/gateway-1"));
        b.close();
    }
}
