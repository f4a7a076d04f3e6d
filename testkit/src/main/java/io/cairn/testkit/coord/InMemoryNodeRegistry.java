package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link NodeRegistry} held in this process, for other modules' tests: one instance stands for
 * the whole cluster's membership, shared by every simulated node. {@link #kill} plays a node
 * whose ZooKeeper session ended, {@link #revive} the same process back on a new session.
 * Listeners run on the thread that made the change.
 */
public final class InMemoryNodeRegistry implements NodeRegistry {

    private final Map<Integer, NodeInfo> live = new ConcurrentHashMap<>();
    private final Map<Integer, NodeInfo> known = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean reachable = true;

    /** While false, register and forget fail with {@link CoordinationUnavailableException}; reads still answer. */
    public void setReachable(boolean value) {
        reachable = value;
    }

    @Override
    public void register(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        requireReachable("register node " + node.id());
        known.put(node.id(), node);
        live.put(node.id(), node);
        changed();
    }

    /** The node's session ends: it is no longer live and stays known. */
    public void kill(int id) {
        if (live.remove(id) != null) changed();
    }

    /**
     * The node's process is back on a new session: live again with the details it last registered,
     * as the ZooKeeper registry re-creates a registration after a session loss. A node never
     * registered, or forgotten since, stays unknown.
     */
    public void revive(int id) {
        NodeInfo node = known.get(id);
        if (node != null && live.putIfAbsent(id, node) == null) changed();
    }

    @Override
    public List<NodeInfo> live() {
        return sorted(live);
    }

    @Override
    public List<NodeInfo> known() {
        return sorted(known);
    }

    private static List<NodeInfo> sorted(Map<Integer, NodeInfo> nodes) {
        return nodes.values().stream().sorted(Comparator.comparingInt(NodeInfo::id)).toList();
    }

    @Override
    public Optional<NodeInfo> node(int id) {
        NodeInfo node = live.get(id);
        return Optional.ofNullable(node != null ? node : known.get(id));
    }

    @Override
    public boolean isLive(int id) {
        return live.containsKey(id);
    }

    /** As in ZooKeeper, a node that is live at the time stays live until it is killed. */
    @Override
    public void forget(int id) {
        requireReachable("forget node " + id);
        if (known.remove(id) != null) changed();
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    private void requireReachable(String what) {
        if (!reachable) throw new CoordinationUnavailableException("cannot " + what + ": coordination unreachable", null);
    }

    /** The shared membership outlives any one user of it; nothing to release. */
    @Override
    public void close() {
    }
}
