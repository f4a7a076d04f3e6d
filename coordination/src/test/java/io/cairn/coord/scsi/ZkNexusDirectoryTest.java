package io.cairn.coord.scsi;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ZkNexusDirectoryTest {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Test
    void unionOverGatewaysFollowsAddRemoveAndClose() {
        NexusDirectory a = zk.newCoordination().openNexusDirectory("gw-a");
        Coordination bClient = zk.newCoordination();
        NexusDirectory b = bClient.openNexusDirectory("gw-b");

        a.add("lun-a", "iqn.host1,t1");
        assertEquals(Set.of("iqn.host1,t1"), a.nexuses("lun-a"), "own nexuses need no round trip");
        b.add("lun-a", "iqn.host2,t2");
        b.add("lun-a", "iqn.host3,t2");
        b.add("lun-b", "iqn.host2,t2");
        Set<String> all = Set.of("iqn.host1,t1", "iqn.host2,t2", "iqn.host3,t2");
        Eventually.await("A sees B's nexuses", () -> a.nexuses("lun-a").equals(all));
        Eventually.await("B sees A's nexuses", () -> b.nexuses("lun-a").equals(all));
        assertEquals(Set.of("iqn.host2,t2"), b.nexuses("lun-b"));

        b.remove("lun-a", "iqn.host3,t2");
        Eventually.await("A sees the removal", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1", "iqn.host2,t2")));

        bClient.close();
        Eventually.await("B's nexuses gone with B", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1")));
        assertEquals(Set.of(), a.nexuses("lun-b"));
    }

    @Test
    void nexusesOfAGatewayWhoseSessionExpiredArePublishedOnItsNewSession() throws Exception {
        Coordination reader = zk.newCoordination();
        Coordination bClient = zk.newCoordination();
        NexusDirectory b = bClient.openNexusDirectory("gw-b");
        b.add("lun-a", "iqn.host2,t2");
        String path = ZkNexusDirectory.nexusPath("lun-a", "gw-b");
        Eventually.await("published", () -> exists(reader, path));
        long oldSession = bClient.curator().getZookeeperClient().getZooKeeper().getSessionId();
        zk.expireSession(bClient);
        // the ephemeral node went with the old session; the directory writes it again on the new one
        Eventually.await("published on the new session", () -> {
            try {
                var stat = reader.curator().checkExists().forPath(path);
                return stat != null && stat.getEphemeralOwner() != oldSession;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static boolean exists(Coordination reader, String path) {
        try {
            return reader.curator().checkExists().forPath(path) != null;
        } catch (Exception e) {
            return false;
        }
    }
}
