package io.cairn.lun.node;

import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.PlacementView;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A store's view of placements, backed by coordination's PlacementStore (compare-and-set in ZooKeeper). */
public final class StorePlacementView implements PlacementView {

    private final PlacementStore placements;

    public StorePlacementView(PlacementStore placements) {
        this.placements = placements;
    }

    public static ReplicaSet toReplicaSet(SubUnitPlacement p) {
        return p == null ? null : new ReplicaSet(p.replicas(), p.primary(), p.epoch(), p.inSync());
    }

    @Override
    public Optional<ReplicaSet> placement(SubUnitId id) {
        return placements.get(id.lunId(), id.index()).map(StorePlacementView::toReplicaSet);
    }

    @Override
    public CompletableFuture<ReplicaSet> dropFromInSync(SubUnitId id, int node, long epoch) {
        return placements.update(id.lunId(), id.index(), p -> {
            // only at the epoch the caller saw, and never the primary itself
            if (p == null || p.epoch() != epoch || p.primary() == node || !p.inSync().contains(node)) {
                return null;
            }
            List<Integer> inSync = new ArrayList<>(p.inSync());
            inSync.remove(Integer.valueOf(node));
            return p.withInSync(inSync);
        }).thenApply(StorePlacementView::toReplicaSet);
    }

    @Override
    public CompletableFuture<ReplicaSet> markInSync(SubUnitId id, int node, long epoch) {
        return placements.update(id.lunId(), id.index(), p -> {
            if (p == null || p.epoch() != epoch || !p.replicas().contains(node) || p.inSync().contains(node)) {
                return null;
            }
            List<Integer> inSync = new ArrayList<>(p.inSync());
            inSync.add(node);
            return p.withInSync(inSync);
        }).thenApply(StorePlacementView::toReplicaSet);
    }
}
