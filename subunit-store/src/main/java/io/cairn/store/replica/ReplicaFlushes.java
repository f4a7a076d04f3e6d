package io.cairn.store.replica;

import io.cairn.replica.SubUnitId;
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
 * primary in between, other replicas) makes every sub-unit due again.
 */
final class ReplicaFlushes {
    private static final class Debt {
        long shipped;
        long covered = -1;
        long epoch = -1;
    }

    private final ConcurrentHashMap<SubUnitId, Debt> debts = new ConcurrentHashMap<>();

    /** A change shipped without FUA reached a replica, or failed to: either way it may be there. */
    void shipped(SubUnitId id) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            d.shipped++;
        }
    }

    /** Empty if the replicas need no flush at {@code epoch}; else the count to pass to {@link #covered}. */
    OptionalLong due(SubUnitId id, long epoch) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            return d.epoch == epoch && d.covered == d.shipped ? OptionalLong.empty() : OptionalLong.of(d.shipped);
        }
    }

    /** Every replica forced every change counted up to {@code count} (from {@link #due}) at {@code epoch}. */
    void covered(SubUnitId id, long epoch, long count) {
        Debt d = debts.computeIfAbsent(id, k -> new Debt());
        synchronized (d) {
            if (epoch > d.epoch) {
                d.epoch = epoch;
                d.covered = count;
            } else if (epoch == d.epoch) {
                d.covered = Math.max(d.covered, count);
            }
        }
    }
}
