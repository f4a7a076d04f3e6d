package io.cairn.store.replica;

import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitId;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per sub-unit at its primary: whether the other replicas may hold changes applied without FUA
 * that no flush has covered since, so a flush of a sub-unit nobody wrote since the last one costs
 * no round trip to its replicas (a LUN's flush reaches every sub-unit; most are clean).
 *
 * <p>Every change shipped without FUA is counted when a replica's answer arrives, before the write
 * completes ({@link #shipped}); a flush takes the count when it starts ({@link #due}) and, once
 * every replica forced, records it as covered at the placement's epoch ({@link #covered}). A
 * write completed before a flush started was counted before it, so the flush covers it or goes
 * to the replicas; one counted while a flush runs leaves the next flush due. A new epoch (another
 * primary in between, other replicas) makes every sub-unit due again, and so does a replica in
 * sync now that the last flush did not wait for.
 */
final class ReplicaFlushes {
    private static final class Debt {
        long shipped;
        long covered = -1;
        long epoch = -1;
        /** The in-sync replicas the covering flush waited for (and that answered, or were dropped). */
        List<Integer> inSync = List.of();
    }

    private final ConcurrentHashMap<SubUnitId, Debt> debts = new ConcurrentHashMap<>();

    /** A change shipped without FUA reached a replica, or failed to: either way it may be there. */
    void shipped(SubUnitId id) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            d.shipped++;
        }
    }

    /**
     * Empty if the replicas of {@code placement} need no flush: nothing shipped since the last
     * one at its epoch, and every replica in sync now was waited for by it (a resync can put a
     * replica in sync without a new epoch); else the count to pass to {@link #covered}.
     */
    OptionalLong due(SubUnitId id, ReplicaSet placement) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            boolean clean = d.epoch == placement.epoch() && d.covered == d.shipped
                    && d.inSync.containsAll(placement.inSync());
            return clean ? OptionalLong.empty() : OptionalLong.of(d.shipped);
        }
    }

    /**
     * A flush that waited for every in-sync replica of {@code placement} forced every change
     * counted up to {@code count} (from {@link #due}).
     */
    void covered(SubUnitId id, ReplicaSet placement, long count) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            if (placement.epoch() > d.epoch
                    || (placement.epoch() == d.epoch && count >= d.covered)) {
                d.epoch = placement.epoch();
                d.covered = count;
                d.inSync = placement.inSync();
            }
        }
    }
}
