package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryPlacementStoreTest extends PlacementStoreContract {

    private InMemoryPlacementStore store;

    @BeforeEach
    void fresh() {
        store = new InMemoryPlacementStore();
    }

    @Override
    protected PlacementStore store() {
        return store;
    }

    @Override
    protected PlacementStore peer() {
        return store;
    }

    @Test
    void unreachableStoreRefusesChangesAndKeepsThePlacement() throws Exception {
        SubUnitPlacement p = new SubUnitPlacement("lun-a", 0, List.of(1, 2), 1, 4, List.of(1, 2));
        store.update("lun-a", 0, current -> p).get();
        store.setReachable(false);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> store.update("lun-a", 0, current -> current.withPrimary(2, List.of(2))).get());
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
        assertThrows(ExecutionException.class, () -> store.delete("lun-a").get());
        assertEquals(List.of(p), store.list("lun-a"));
    }

    @Test
    void putWritesOverWhatIsStoredAndWritesCountsOnlyWhatTookEffect() throws Exception {
        List<SubUnitPlacement> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.addListener(heard::add);
        SubUnitPlacement p = new SubUnitPlacement("lun-a", 0, List.of(1, 2), 1, 4, List.of(1, 2));
        store.put(p);
        SubUnitPlacement moved = p.withPrimary(2, List.of(2));
        store.put(moved);
        assertEquals(List.of(moved), store.list("lun-a"));
        assertEquals(List.of(p, moved), heard);
        store.update("lun-a", 0, current -> null).get();
        assertEquals(2, store.writes(), "an update that changes nothing writes nothing");
        store.setReachable(false);
        assertThrows(java.util.concurrent.CompletionException.class, () -> store.put(p));
        assertEquals(2, store.writes());
    }
}
