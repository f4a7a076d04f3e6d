package io.cairn.lun.fakes;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Membership held in memory; {@link #kill} and {@link #revive} play a session ending and returning. */
public final class FakeNodeRegistry implements NodeRegistry {
    private final Map<Integer, NodeInfo> known = new ConcurrentHashMap<>();
    private final Set<Integer> live = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void register(NodeInfo node) {
        known.put(node.id(), node);
        live.add(node.id());
        changed();
    }

    public void kill(int id) {
        live.remove(id);
        changed();
    }

    public void revive(int id) {
        live.add(id);
        changed();
    }

    @Override
    public List<NodeInfo> live() {
        return known.values().stream().filter(n -> live.contains(n.id())).toList();
    }

    @Override
    public List<NodeInfo> known() {
        return List.copyOf(known.values());
    }

    @Override
    public Optional<NodeInfo> node(int id) {
        return Optional.ofNullable(known.get(id));
    }

    @Override
    public boolean isLive(int id) {
        return live.contains(id);
    }

    @Override
    public void forget(int id) {
        known.remove(id);
        changed();
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public void close() {
    }
}
