package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link PlacementStore} held in this process, for other modules' tests. Like the ZooKeeper
 * store, every change is a compare-and-set on a versioned document, re-applied on a conflict, so
 * concurrent epoch bumps behave as they would there. Futures complete before {@code update}
 * returns; listeners run on the updating thread, in write order per sub-unit. {@link #setReachable} plays a lost ZooKeeper.
 */
public final class InMemoryPlacementStore implements PlacementStore {

    private static final int MAX_ATTEMPTS = 10_000;

    /** A stored placement and the store-wide sequence number of the write that made it. */
    private record Versioned(SubUnitPlacement placement, long version) {}

    private final Map<String, ConcurrentSkipListMap<Integer, Versioned>> luns = new ConcurrentHashMap<>();
    private final List<Consumer<SubUnitPlacement>> listeners = new CopyOnWriteArrayList<>();
    /** Per {@code <lunId>/<index>}, the version last handed to listeners. */
    private final Map<String, Long> notified = new HashMap<>();
    /** Never reused, so a compare-and-set cannot mistake a new document for an old one. */
    private final AtomicLong writes = new AtomicLong();
    /** Writes that took effect, for tests that assert a pass wrote nothing. */
    private final AtomicLong effective = new AtomicLong();
    private volatile boolean reachable = true;
    private volatile boolean closed;

    /** While false, updates and deletes fail with {@link CoordinationUnavailableException}; reads still answer. */
    public void setReachable(boolean value) {
        reachable = value;
    }

    @Override
    public Optional<SubUnitPlacement> get(String lunId, int index) {
        Map<Integer, Versioned> lun = luns.get(lunId);
        Versioned v = lun == null ? null : lun.get(index);
        return Optional.ofNullable(v == null ? null : v.placement());
    }

    @Override
    public List<SubUnitPlacement> list(String lunId) {
        Map<Integer, Versioned> lun = luns.get(lunId);
        return lun == null ? List.of() : lun.values().stream().map(Versioned::placement).toList();
    }

    @Override
    public CompletableFuture<SubUnitPlacement> update(String lunId, int index, UnaryOperator<SubUnitPlacement> change) {
        Objects.requireNonNull(lunId, "lunId");
        Objects.requireNonNull(change, "change");
        try {
            if (index < 0) throw new IllegalArgumentException("sub-unit index must not be negative: " + index);
            requireReachable("update placement of " + lunId + "/" + index);
            ConcurrentSkipListMap<Integer, Versioned> lun = luns.computeIfAbsent(lunId, id -> new ConcurrentSkipListMap<>());
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Versioned seen = lun.get(index);
                SubUnitPlacement current = seen == null ? null : seen.placement();
                SubUnitPlacement next = change.apply(current);
                if (next == null) return CompletableFuture.completedFuture(current);
                if (!next.lunId().equals(lunId) || next.index() != index) {
                    throw new IllegalArgumentException("change of " + lunId + "/" + index
                            + " returned the placement of " + next.lunId() + "/" + next.index());
                }
                Versioned written = new Versioned(next, writes.incrementAndGet());
                boolean won = seen == null ? lun.putIfAbsent(index, written) == null : lun.replace(index, seen, written);
                if (won) {
                    effective.incrementAndGet();
                    notifyListeners(lunId, index, lun);
                    return CompletableFuture.completedFuture(next);
                }
            }
            throw new IllegalStateException("placement of " + lunId + "/" + index + " contended " + MAX_ATTEMPTS + " times");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Writes a placement as another party (a store, the test itself) would, over whatever is
     * stored; listeners hear it.
     *
     * @throws java.util.concurrent.CompletionException if the store refused it (unreachable, closed)
     */
    public void put(SubUnitPlacement placement) {
        update(placement.lunId(), placement.index(), current -> placement).join();
    }

    /** How many updates wrote a placement so far (changes that returned null or lost a race are not counted). */
    public long writes() {
        return effective.get();
    }

    @Override
    public void addListener(Consumer<SubUnitPlacement> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        try {
            requireReachable("delete placements of LUN " + lunId);
        } catch (CoordinationUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        // cleared, not removed: an update racing this delete then fails its compare-and-set and
        // re-applies to an empty LUN instead of writing into a detached map
        Map<Integer, Versioned> lun = luns.get(lunId);
        if (lun != null) lun.clear();
        return CompletableFuture.completedFuture(null);
    }

    /** Hands listeners the sub-unit's latest placement, once per write and never an older one after a newer. */
    private void notifyListeners(String lunId, int index, Map<Integer, Versioned> lun) {
        synchronized (notified) {
            Versioned now = lun.get(index);
            String key = lunId + "/" + index;
            if (now == null || now.version() <= notified.getOrDefault(key, 0L)) return;
            notified.put(key, now.version());
            listeners.forEach(l -> l.accept(now.placement()));
        }
    }

    private void requireReachable(String what) {
        if (closed) throw new CoordinationUnavailableException("placement store is closed", null);
        if (!reachable) throw new CoordinationUnavailableException("cannot " + what + ": coordination unreachable", null);
    }

    @Override
    public void close() {
        closed = true;
    }
}
