package io.cairn.coord.placement;

import java.util.List;
import java.util.Objects;

/**
 * Where one sub-unit of a LUN lives and who serves it (architecture.md "Consistency invariants").
 *
 * @param replicas store nodes assigned a copy, in placement order
 * @param primary  the node that serves reads and orders writes; always one of {@code inSync}
 * @param epoch    bumped whenever the primary changes; every block request carries it and a store
 *                 refuses a request with an older one
 * @param inSync   replicas known to hold every acknowledged write; a write is acknowledged when all
 *                 of them have it. A replica in {@code replicas} but not here is being resynced.
 */
public record SubUnitPlacement(String lunId, int index, List<Integer> replicas, int primary, long epoch,
                               List<Integer> inSync) {
    public SubUnitPlacement {
        Objects.requireNonNull(lunId, "lunId");
        replicas = List.copyOf(replicas);
        inSync = List.copyOf(inSync);
        if (!inSync.contains(primary)) {
            throw new IllegalArgumentException("primary " + primary + " is not in sync: " + inSync);
        }
        if (!replicas.containsAll(inSync)) {
            throw new IllegalArgumentException("in-sync replicas " + inSync + " not all assigned: " + replicas);
        }
    }

    public boolean degraded() {
        return inSync.size() < replicas.size();
    }

    public SubUnitPlacement withInSync(List<Integer> value) {
        return new SubUnitPlacement(lunId, index, replicas, primary, epoch, value);
    }

    public SubUnitPlacement withReplicas(List<Integer> value) {
        return new SubUnitPlacement(lunId, index, value, primary, epoch, inSync);
    }

    /** A new primary: the epoch moves on, so the old primary's requests are refused from now on. */
    public SubUnitPlacement withPrimary(int node, List<Integer> newInSync) {
        return new SubUnitPlacement(lunId, index, replicas, node, epoch + 1, newInSync);
    }
}
