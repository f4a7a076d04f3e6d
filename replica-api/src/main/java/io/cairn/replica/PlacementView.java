package io.cairn.replica;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a store node reads and changes of the placement (backed by coordination's PlacementStore in
 * the wiring). Changes are compare-and-set in ZooKeeper and fail when it is unreachable.
 */
public interface PlacementView {

    /** The current placement of the sub-unit, empty if it is not placed. */
    Optional<ReplicaSet> placement(SubUnitId id);

    /**
     * Removes {@code node} from the in-sync set while the placement is still at {@code epoch}
     * (architecture.md "Failure handling": the LUN runs degraded). Completes with the placement now
     * stored; fails if the change could not be recorded. The caller checks the result.
     */
    CompletableFuture<ReplicaSet> dropFromInSync(SubUnitId id, int node, long epoch);

    /** Adds {@code node} to the in-sync set while the placement is still at {@code epoch}; as above. */
    CompletableFuture<ReplicaSet> markInSync(SubUnitId id, int node, long epoch);
}
