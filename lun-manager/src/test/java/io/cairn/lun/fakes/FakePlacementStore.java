package io.cairn.lun.fakes;

import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Placements in memory with the store's compare-and-set semantics; counts the writes made. */
public final class FakePlacementStore implements PlacementStore {
    private final Map<String, SubUnitPlacement> placements = new ConcurrentHashMap<>();
    private final List<Consumer<SubUnitPlacement>> listeners = new CopyOnWriteArrayList<>();
    public final AtomicInteger writes = new AtomicInteger();

    private static String key(String lunId, int index) {
        return lunId + "/" + index;
    }

    @Override
    public Optional<SubUnitPlacement> get(String lunId, int index) {
        return Optional.ofNullable(placements.get(key(lunId, index)));
    }

    @Override
    public List<SubUnitPlacement> list(String lunId) {
        return placements.values().stream().filter(p -> p.lunId().equals(lunId))
                .sorted(Comparator.comparingInt(SubUnitPlacement::index)).toList();
    }

    @Override
    public CompletableFuture<SubUnitPlacement> update(String lunId, int index, UnaryOperator<SubUnitPlacement> change) {
        SubUnitPlacement written;
        synchronized (this) {
            SubUnitPlacement current = placements.get(key(lunId, index));
            SubUnitPlacement next = change.apply(current);
            if (next == null) {
                return CompletableFuture.completedFuture(current);
            }
            placements.put(key(lunId, index), next);
            writes.incrementAndGet();
            written = next;
        }
        listeners.forEach(l -> l.accept(written));
        return CompletableFuture.completedFuture(written);
    }

    /** Writes a placement directly, as another party (a store, a test) would. */
    public void put(SubUnitPlacement p) {
        update(p.lunId(), p.index(), old -> p);
    }

    @Override
    public void addListener(Consumer<SubUnitPlacement> listener) {
        listeners.add(listener);
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        placements.values().removeIf(p -> p.lunId().equals(lunId));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }
}
