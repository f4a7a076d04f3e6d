package io.cairn.coord.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZkPortGroupRegistryTest {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    private static PortGroupRecord group(int n, String state) {
        return new PortGroupRecord("gateway-" + n, n, n, state);
    }

    @Test
    void everyGatewaySeesEveryGroupOrderedByGroupId() {
        ZkPortGroupRegistry a = ZkPortGroupRegistry.open(zk.newCoordination().session());
        ZkPortGroupRegistry b = ZkPortGroupRegistry.open(zk.newCoordination().session());
        b.publish(group(3, "ACTIVE_OPTIMIZED"));
        a.publish(group(1, "ACTIVE_OPTIMIZED"));
        assertTrue(a.groups().contains(group(1, "ACTIVE_OPTIMIZED")), "publish returns once the own copy shows it");
        List<PortGroupRecord> both = List.of(group(1, "ACTIVE_OPTIMIZED"), group(3, "ACTIVE_OPTIMIZED"));
        Eventually.await("A sees both", () -> a.groups().equals(both));
        Eventually.await("B sees both", () -> b.groups().equals(both));
        a.close();
        b.close();
    }

    @Test
    void stateChangesAndWithdrawalReachOthersAndTheirListeners() {
        ZkPortGroupRegistry a = ZkPortGroupRegistry.open(zk.newCoordination().session());
        a.publish(group(1, "ACTIVE_OPTIMIZED"));
        ZkPortGroupRegistry b = ZkPortGroupRegistry.open(zk.newCoordination().session());
        List<String> seenByB = new CopyOnWriteArrayList<>();
        b.addListener(seenByB::add);
        assertEquals(List.of(group(1, "ACTIVE_OPTIMIZED")), b.groups(), "primed on open");
        assertEquals(List.of(), seenByB, "the state found when opening is not a change");

        a.publish(group(1, "TRANSITIONING"));
        Eventually.await("B sees TRANSITIONING", () -> b.groups().equals(List.of(group(1, "TRANSITIONING"))));
        a.publish(group(1, "UNAVAILABLE"));
        Eventually.await("B sees UNAVAILABLE", () -> b.groups().equals(List.of(group(1, "UNAVAILABLE"))));
        a.withdraw("gateway-1");
        Eventually.await("B sees A gone", () -> b.groups().isEmpty());
        Eventually.await("B's listener heard every step", () -> seenByB.size() == 3);
        assertEquals(List.of("gateway-1", "gateway-1", "gateway-1"), seenByB);
        a.close();
        b.close();
    }

    @Test
    void expiredSessionDropsTheGroupAndANewSessionPublishesItAgain() {
        Coordination aClient = zk.newCoordination();
        ZkPortGroupRegistry a = ZkPortGroupRegistry.open(aClient.session());
        ZkPortGroupRegistry b = ZkPortGroupRegistry.open(zk.newCoordination().session());
        a.publish(group(2, "TRANSITIONING"));
        Eventually.await("B sees A", () -> b.groups().size() == 1);
        List<String> seenByB = new CopyOnWriteArrayList<>();
        b.addListener(seenByB::add);
        zk.expireSession(aClient); // the ephemeral node ends with the session, as for a killed gateway
        Eventually.await("B heard A leave and come back", () -> seenByB.size() >= 2);
        Eventually.await("A's group is back, with its last state",
                () -> b.groups().equals(List.of(group(2, "TRANSITIONING"))));
        a.close();
        Eventually.await("closing withdraws it", () -> b.groups().isEmpty());
        b.close();
    }

    @Test
    void recordRejectsOutOfRangeIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> new PortGroupRecord("g", 0, 1, "ACTIVE_OPTIMIZED"));
        assertThrows(IllegalArgumentException.class, () -> new PortGroupRecord("g", 1, 0x10000, "ACTIVE_OPTIMIZED"));
        PortGroupRecord r = new PortGroupRecord("gateway-7", 7, 9, "STANDBY");
        assertEquals(r, ZkPortGroupRegistry.decode(ZkPortGroupRegistry.encode(r)), "codec round trip");
    }
}
