package io.cairn.store.replica;

import io.cairn.replica.PlacementView;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A placement view held in memory, with compare-and-set on the epoch as PlacementStore does it. */
final class FakePlacement implements PlacementView {
    private final Map<SubUnitId, ReplicaSet> sets = new ConcurrentHashMap<>();
    final List<String> changes = new CopyOnWriteArrayList<>();
    /** When set, changes fail as if ZooKeeper were unreachable. */
    volatile boolean unreachable;

    void put(SubUnitId id, ReplicaSet set) {
        sets.put(id, set);
    }

    ReplicaSet get(SubUnitId id) {
        return sets.get(id);
    }

    @Override
    public Optional<ReplicaSet> placement(SubUnitId id) {
        return Optional.ofNullable(sets.get(id));
    }

    @Override
    public CompletableFuture<ReplicaSet> dropFromInSync(SubUnitId id, int node, long epoch) {
        return change(id, node, epoch, false);
    }

    @Override
    public CompletableFuture<ReplicaSet> markInSync(SubUnitId id, int node, long epoch) {
        return change(id, node, epoch, true);
    }

    private synchronized CompletableFuture<ReplicaSet> change(SubUnitId id, int node, long epoch, boolean in) {
        if (unreachable) {
            return CompletableFuture.failedFuture(new IllegalStateException("coordination unreachable"));
        }
        ReplicaSet p = sets.get(id);
        if (p == null || p.epoch() != epoch || (!in && p.primary() == node)) {
            return CompletableFuture.completedFuture(p);
        }
        List<Integer> inSync = new ArrayList<>(p.inSync());
        inSync.remove(Integer.valueOf(node));
        if (in) {
            inSync.add(node);
        }
        ReplicaSet next = new ReplicaSet(p.replicas(), p.primary(), p.epoch(), inSync);
        sets.put(id, next);
        changes.add((in ? "in " : "drop ") + node);
        return CompletableFuture.completedFuture(next);
    }
}
