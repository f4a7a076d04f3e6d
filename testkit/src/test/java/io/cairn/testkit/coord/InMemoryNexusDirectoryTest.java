package io.cairn.testkit.coord;

import io.cairn.coord.scsi.NexusDirectory;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InMemoryNexusDirectoryTest extends NexusDirectoryContract {

    private final InMemoryNexusDirectory cluster = new InMemoryNexusDirectory();

    @Override
    protected NexusDirectory gateway(String gatewayId) {
        return cluster.gateway(gatewayId);
    }

    @Test
    void theClusterViewIsTheUnionOfEveryGateway() {
        cluster.gateway("gw-a").add("lun-a", "n1");
        NexusDirectory b = cluster.gateway("gw-b");
        b.add("lun-a", "n2");
        assertEquals(Set.of("n1", "n2"), cluster.nexuses("lun-a"));
        b.close();
        assertEquals(Set.of("n1"), cluster.nexuses("lun-a"));
    }
}
