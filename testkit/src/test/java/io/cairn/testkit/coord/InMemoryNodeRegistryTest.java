package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryNodeRegistryTest extends NodeRegistryContract {

    private InMemoryNodeRegistry registry;

    @BeforeEach
    void fresh() {
        registry = new InMemoryNodeRegistry();
    }

    @Override
    protected NodeRegistry process() {
        return registry;
    }

    @Override
    protected void endSession(NodeRegistry process, int nodeId) {
        ((InMemoryNodeRegistry) process).kill(nodeId);
    }

    @Test
    void unreachableRegistryRefusesChangesAndKeepsAnswering() {
        NodeInfo node = new NodeInfo(5, "tokyo", "h5", 7000);
        registry.register(node);
        registry.setReachable(false);
        assertThrows(CoordinationUnavailableException.class, () -> registry.register(new NodeInfo(6, "tokyo", "h6", 7000)));
        assertThrows(CoordinationUnavailableException.class, () -> registry.forget(5));
        assertEquals(List.of(node), registry.live());
        assertEquals(List.of(node), registry.known());
    }

    @Test
    void revivedNodeIsLiveAgainWithItsDetailsUnlessForgotten() {
        NodeInfo node = new NodeInfo(5, "tokyo", "h5", 7000);
        List<Boolean> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.addListener(() -> heard.add(registry.isLive(5)));
        registry.register(node);
        registry.kill(5);
        registry.revive(5);
        assertEquals(List.of(node), registry.live());
        registry.revive(5); // already live: no change to hear
        assertEquals(List.of(true, false, true), heard);
        registry.kill(5);
        registry.forget(5);
        registry.revive(5);
        registry.revive(6);
        assertEquals(List.of(), registry.live(), "a forgotten or never registered node does not come back");
    }
}
