package io.cairn.testkit.coord;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryGatewayAcksTest extends GatewayAcksContract {

    private final InMemoryScsiContextStore store = new InMemoryScsiContextStore();
    private final InMemoryGatewayAcks acks = new InMemoryGatewayAcks(store);

    /** Every simulated gateway shares the one store and the one acknowledgements instance. */
    @Override
    protected Gateway gateway(String id) {
        acks.join(id);
        return new Gateway(id, store, acks);
    }

    @Override
    protected void hold(Gateway gateway) {
        acks.hold(gateway.id());
    }

    @Override
    protected void release(Gateway gateway) {
        acks.release(gateway.id());
    }

    @Override
    protected void stop(Gateway gateway) {
        acks.leave(gateway.id());
    }

    private long write() {
        return store.updateVersioned("lun-a", c -> new Update<>(c.withAptpl(!c.aptpl()), null)).join().version();
    }

    @Test
    void heldGatewaysAreTheLaggingOnesUntilReleasedOrGone() {
        acks.join("gw-a");
        acks.join("gw-b");
        acks.join("gw-c");
        acks.hold("gw-b");
        acks.hold("gw-c");
        long version = write();
        assertEquals(Set.of("gw-b", "gw-c"), acks.lagging("lun-a", version));
        acks.release("gw-b");
        assertEquals(Set.of("gw-c"), acks.lagging("lun-a", version));
        acks.leave("gw-c");
        assertEquals(Set.of(), acks.lagging("lun-a", version));
    }

    @Test
    void storeVersionsGrowAndUnchangedUpdatesReportTheCurrentOne() {
        long first = write();
        long second = write();
        assertEquals(second, store.appliedVersion("lun-a"));
        assertEquals(second, store.updateVersioned("lun-a", c -> Update.unchanged(null)).join().version());
        assertTrue(first < second);
        assertEquals(ScsiContext.EMPTY.aptpl(), store.fresh("lun-a").join().aptpl());
    }
}
