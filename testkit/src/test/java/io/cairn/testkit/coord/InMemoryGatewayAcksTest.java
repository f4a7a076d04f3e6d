package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.coord.scsi.NexusDirectory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryGatewayAcksTest {

    private final InMemoryScsiContextStore store = new InMemoryScsiContextStore();
    private final InMemoryGatewayAcks acks = new InMemoryGatewayAcks(store);

    private long write() {
        return store.updateVersioned("lun-a", c -> new Update<>(c.withAptpl(!c.aptpl()), null)).join().version();
    }

    @Test
    void heldGatewayDelaysTheAcknowledgementUntilReleasedOrGone() throws Exception {
        acks.join("gw-a");
        acks.join("gw-b");
        acks.join("gw-c");
        acks.hold("gw-b");
        acks.hold("gw-c");
        long version = write();
        CompletableFuture<Void> applied = acks.awaitApplied("lun-a", version, Duration.ofSeconds(30));
        assertFalse(applied.isDone());
        assertEquals(Set.of("gw-b", "gw-c"), acks.lagging("lun-a", version));
        acks.release("gw-b");
        assertFalse(applied.isDone());
        acks.leave("gw-c");
        applied.get(30, TimeUnit.SECONDS);
    }

    @Test
    void awaitTimesOutAsUnavailable() {
        acks.join("gw-a");
        acks.hold("gw-a");
        long version = write();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> acks.awaitApplied("lun-a", version, Duration.ofMillis(50)).get(30, TimeUnit.SECONDS));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
    }

    @Test
    void storeVersionsGrowAndUnchangedUpdatesReportTheCurrentOne() {
        long first = write();
        long second = write();
        assertEquals(second, store.appliedVersion("lun-a"));
        assertEquals(second, store.updateVersioned("lun-a", c -> Update.unchanged(null)).join().version());
        assertEquals(true, first < second);
        assertEquals(ScsiContext.EMPTY.aptpl(), store.fresh("lun-a").join().aptpl());
    }

    @Test
    void nexusDirectoryUnionsGatewaysAndForgetsAClosedOne() {
        InMemoryNexusDirectory cluster = new InMemoryNexusDirectory();
        NexusDirectory a = cluster.gateway("gw-a");
        NexusDirectory b = cluster.gateway("gw-b");
        a.add("lun-a", "n1");
        b.add("lun-a", "n2");
        b.add("lun-a", "n3");
        b.remove("lun-a", "n3");
        assertEquals(Set.of("n1", "n2"), a.nexuses("lun-a"));
        b.close();
        assertEquals(Set.of("n1"), a.nexuses("lun-a"));
    }
}
