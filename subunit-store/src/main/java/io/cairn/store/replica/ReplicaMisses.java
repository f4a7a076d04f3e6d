package io.cairn.store.replica;

import io.cairn.replica.SubUnitId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts replicate requests that failed to reach a replica that was not in sync when they were
 * sent. A resync marks a replica in sync only if the count did not move while it ran, and checks it
 * again after marking: a failure counted before the placement changed is always seen by one of
 * the two checks, and one counted after finds the replica in sync and drops it (ReplicatedWrite).
 */
final class ReplicaMisses {
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    long count(SubUnitId id, int node) {
        AtomicLong c = counts.get(key(id, node));
        return c == null ? 0 : c.get();
    }

    void record(SubUnitId id, int node) {
        counts.computeIfAbsent(key(id, node), k -> new AtomicLong()).incrementAndGet();
    }

    private static String key(SubUnitId id, int node) {
        return id + "@" + node;
    }
}
