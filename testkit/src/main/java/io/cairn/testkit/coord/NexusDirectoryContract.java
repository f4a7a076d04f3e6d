package io.cairn.testkit.coord;

import io.cairn.coord.scsi.NexusDirectory;
import io.cairn.testkit.Eventually;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What every {@link NexusDirectory} does; run against each implementation. */
public abstract class NexusDirectoryContract {

    /** Gateway {@code gatewayId}'s directory over the state shared by every gateway of this test. */
    protected abstract NexusDirectory gateway(String gatewayId);

    @Test
    public void unionOverGatewaysFollowsAddRemoveAndClose() {
        NexusDirectory a = gateway("gw-a");
        NexusDirectory b = gateway("gw-b");

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
        b.remove("lun-a", "iqn.never-added,t2"); // harmless
        Eventually.await("A sees the removal", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1", "iqn.host2,t2")));

        b.close();
        Eventually.await("B's nexuses gone with B", () -> a.nexuses("lun-a").equals(Set.of("iqn.host1,t1"))
                && a.nexuses("lun-b").isEmpty());
    }

    @Test
    public void aLunNobodyServesHasNoNexuses() {
        NexusDirectory a = gateway("gw-a");
        assertEquals(Set.of(), a.nexuses("lun-z"));
        a.add("lun-a", "iqn.host1,t1");
        a.remove("lun-a", "iqn.host1,t1");
        assertEquals(Set.of(), a.nexuses("lun-a"));
    }
}
