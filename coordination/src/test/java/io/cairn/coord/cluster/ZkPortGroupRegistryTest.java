package io.cairn.coord.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.coord.PortGroupRegistryContract;
import io.cairn.coord.ZooKeeperFixture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZkPortGroupRegistryTest extends PortGroupRegistryContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Override
    protected PortGroupRegistry process() {
        return ZkPortGroupRegistry.open(zk.newCoordination().session());
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
