package io.cairn.replica;

import java.util.List;

/**
 * The store's view of one sub-unit's placement: the fields of coordination's
 * {@code SubUnitPlacement} that replication needs (this module does not depend on coordination;
 * the wiring copies them across).
 *
 * @param replicas nodes assigned a copy
 * @param primary  the node that orders writes at {@code epoch}
 * @param epoch    bumped whenever the primary changes
 * @param inSync   replicas holding every acknowledged write; assigned but not in sync = resyncing
 */
public record ReplicaSet(List<Integer> replicas, int primary, long epoch, List<Integer> inSync) {
    public ReplicaSet {
        replicas = List.copyOf(replicas);
        inSync = List.copyOf(inSync);
    }

    public boolean hosts(int node) {
        return replicas.contains(node);
    }

    public boolean inSync(int node) {
        return inSync.contains(node);
    }
}
