package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.cluster.PortGroupRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryPortGroupRegistryTest extends PortGroupRegistryContract {

    private final InMemoryPortGroupRegistry cluster = new InMemoryPortGroupRegistry();

    @Override
    protected PortGroupRegistry process() {
        return cluster.process();
    }

    @Test
    void unreachableRegistryRefusesPublishingAndKeepsAnswering() {
        PortGroupRegistry a = process();
        a.publish(group(1, "ACTIVE_OPTIMIZED"));
        cluster.setReachable(false);
        assertThrows(CoordinationUnavailableException.class, () -> a.publish(group(1, "TRANSITIONING")));
        assertEquals(List.of(group(1, "ACTIVE_OPTIMIZED")), process().groups());
    }
}
