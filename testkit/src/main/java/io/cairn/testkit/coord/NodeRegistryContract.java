package io.cairn.testkit.coord;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.testkit.Eventually;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link NodeRegistry} does; run against each implementation. */
public abstract class NodeRegistryContract {

    /** The registry as a new process sees it, over state shared by every call within one test. */
    protected abstract NodeRegistry process();

    /** The process that registered {@code nodeId} through {@code registry} loses its session (crashes). */
    protected abstract void endSession(NodeRegistry registry, int nodeId);

    protected static final NodeInfo N1 = new NodeInfo(1, "tokyo", "10.0.0.1", 7000);
    protected static final NodeInfo N2 = new NodeInfo(2, "tokyo", "10.0.0.2", 7000);
    protected static final NodeInfo N3 = new NodeInfo(3, "osaka", "10.1.0.3", 7001);

    @Test
    public void registeredNodesAreLiveAndKnownEverywhere() {
        NodeRegistry first = process();
        first.register(N1);
        // own registration readable at once: register returns only when ZooKeeper holds it
        assertEquals(List.of(N1), first.live());
        assertTrue(first.isLive(1));

        NodeRegistry second = process();
        second.register(N3);
        second.register(N2);
        NodeRegistry observer = process();
        Eventually.await("all live", () -> observer.live().size() == 3);
        assertEquals(List.of(N1, N2, N3), observer.live(), "ordered by id");
        assertEquals(List.of(N1, N2, N3), observer.known());
        assertEquals(Optional.of(N3), observer.node(3));
        assertEquals(Optional.empty(), observer.node(4));
        assertFalse(observer.isLive(4));
    }

    @Test
    public void nodeWhoseSessionEndsLeavesLiveButStaysKnown() {
        NodeRegistry doomed = process();
        doomed.register(N1);
        NodeRegistry survivor = process();
        survivor.register(N2);
        NodeRegistry observer = process();
        Eventually.await("both live", () -> observer.isLive(1) && observer.isLive(2));

        endSession(doomed, 1);
        Eventually.await("node 1 no longer live", () -> !observer.isLive(1));
        assertEquals(List.of(N2), observer.live());
        assertEquals(List.of(N1, N2), observer.known());
        assertEquals(Optional.of(N1), observer.node(1), "a dead node's address is still known");
    }

    @Test
    public void forgottenNodeIsNoLongerKnown() {
        NodeRegistry gone = process();
        gone.register(N1);
        NodeRegistry stays = process();
        stays.register(N2);
        endSession(gone, 1);
        NodeRegistry controlPlane = process();
        Eventually.await("node 1 dead", () -> !controlPlane.isLive(1) && controlPlane.node(1).isPresent());

        controlPlane.forget(1);
        assertEquals(List.of(N2), controlPlane.known());
        assertEquals(Optional.empty(), controlPlane.node(1));
        controlPlane.forget(1); // forgetting twice is harmless
        NodeRegistry other = process();
        Eventually.await("forgotten everywhere", () -> other.known().equals(List.of(N2)));
    }

    @Test
    public void listenersHearNodesJoinAndLeave() {
        NodeRegistry observer = process();
        List<List<NodeInfo>> seen = new CopyOnWriteArrayList<>();
        observer.addListener(() -> seen.add(observer.live()));

        NodeRegistry node = process();
        node.register(N3);
        Eventually.await("join heard", () -> seen.contains(List.of(N3)));
        endSession(node, 3);
        Eventually.await("departure heard", () -> !seen.isEmpty() && seen.get(seen.size() - 1).isEmpty());
        assertEquals(List.of(N3), observer.known());
    }

    @Test
    public void registeringAgainAnnouncesNewDetails() {
        NodeRegistry node = process();
        node.register(N1);
        NodeInfo moved = new NodeInfo(1, "tokyo", "10.0.0.9", 7100);
        node.register(moved);
        NodeRegistry observer = process();
        Eventually.await("new address seen", () -> observer.node(1).equals(Optional.of(moved))
                && observer.known().equals(List.of(moved)) && observer.live().equals(List.of(moved)));
    }
}
