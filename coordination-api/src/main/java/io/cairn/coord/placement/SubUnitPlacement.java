package io.cairn.coord.placement;

import io.cairn.coord.lun.SitePolicy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where one sub-unit of a LUN lives and who serves it (architecture.md "Consistency invariants").
 *
 * @param replicas store nodes assigned a copy, in placement order
 * @param primary  the node that serves reads and orders writes; always one of {@code inSync}
 * @param epoch    bumped whenever the primary changes; every block request carries it and a store
 *                 refuses a request with an older one
 * @param inSync   replicas known to hold every acknowledged write; a write is acknowledged when all
 *                 of them have it. A replica in {@code replicas} but not here is being resynced.
 * @param drCopies the store node holding the sub-unit's DR copy in each DR site, by site name
 *                 (sorted); the primary ships every change to each of them after acknowledging it.
 *                 Never one of {@code replicas}.
 */
public record SubUnitPlacement(String lunId, int index, List<Integer> replicas, int primary, long epoch,
                               List<Integer> inSync, Map<String, Integer> drCopies) {
    public SubUnitPlacement {
        Objects.requireNonNull(lunId, "lunId");
        replicas = List.copyOf(replicas);
        inSync = List.copyOf(inSync);
        drCopies = Collections.unmodifiableMap(new TreeMap<>(drCopies));
        if (!inSync.contains(primary)) {
            throw new IllegalArgumentException("primary " + primary + " is not in sync: " + inSync);
        }
        if (!replicas.containsAll(inSync)) {
            throw new IllegalArgumentException("in-sync replicas " + inSync + " not all assigned: " + replicas);
        }
        for (Map.Entry<String, Integer> dr : drCopies.entrySet()) {
            SitePolicy.checkName(dr.getKey());
            if (dr.getValue() == null) {
                throw new IllegalArgumentException("DR copy in site " + dr.getKey() + " has no node");
            }
            if (replicas.contains(dr.getValue())) {
                throw new IllegalArgumentException("DR copy in site " + dr.getKey() + " on node " + dr.getValue()
                        + ", which holds a local copy: " + replicas);
            }
        }
    }

    /** A sub-unit without DR copies. */
    public SubUnitPlacement(String lunId, int index, List<Integer> replicas, int primary, long epoch,
                            List<Integer> inSync) {
        this(lunId, index, replicas, primary, epoch, inSync, Map.of());
    }

    public boolean degraded() {
        return inSync.size() < replicas.size();
    }

    public SubUnitPlacement withInSync(List<Integer> value) {
        return new SubUnitPlacement(lunId, index, replicas, primary, epoch, value, drCopies);
    }

    public SubUnitPlacement withReplicas(List<Integer> value) {
        return new SubUnitPlacement(lunId, index, value, primary, epoch, inSync, drCopies);
    }

    public SubUnitPlacement withDrCopies(Map<String, Integer> value) {
        return new SubUnitPlacement(lunId, index, replicas, primary, epoch, inSync, value);
    }

    /** A new primary: the epoch moves on, so the old primary's requests are refused from now on. */
    public SubUnitPlacement withPrimary(int node, List<Integer> newInSync) {
        return new SubUnitPlacement(lunId, index, replicas, node, epoch + 1, newInSync, drCopies);
    }
}
