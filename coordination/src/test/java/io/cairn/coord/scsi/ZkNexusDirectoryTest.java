package io.cairn.coord.scsi;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.coord.NexusDirectoryContract;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;


class ZkNexusDirectoryTest extends NexusDirectoryContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Override
    protected NexusDirectory gateway(String gatewayId) {
        return zk.newCoordination().openNexusDirectory(gatewayId);
    }

    @Test
    void closingTheClientWithdrawsTheGatewaysNexuses() {
        NexusDirectory a = gateway("gw-a");
        Coordination bClient = zk.newCoordination();
        NexusDirectory b = bClient.openNexusDirectory("gw-b");
        a.add("lun-a", "iqn.host1,t1");
        b.add("lun-a", "iqn.host2,t2");
        Eventually.await("A sees B's nexus", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1", "iqn.host2,t2")));
        bClient.close();
        Eventually.await("B's nexuses gone with B", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1")));
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
