package io.cairn.testkit.coord;

import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.testkit.Eventually;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link PlacementStore} does; run against each implementation. */
public abstract class PlacementStoreContract {

    /** A store over fresh, empty state. Called once per test, before {@link #peer()}. */
    protected abstract PlacementStore store();

    /** A second store over the same state as {@link #store()} (another process, for ZooKeeper). */
    protected abstract PlacementStore peer();

    protected static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    protected static SubUnitPlacement placed(String lunId, int index) {
        return new SubUnitPlacement(lunId, index, List.of(1, 2), 1, 0, List.of(1, 2));
    }

    /** Creates the placement if absent, else leaves it alone. */
    protected static UnaryOperator<SubUnitPlacement> createIfAbsent(String lunId, int index) {
        return current -> current == null ? placed(lunId, index) : null;
    }

    /** Same primary, new epoch: what a re-assertion of primacy after a resync would write. */
    protected static SubUnitPlacement bump(SubUnitPlacement p) {
        return p.withPrimary(p.primary(), p.inSync());
    }

    @Test
    public void createdPlacementIsReadBackHereAndByAPeer() throws Exception {
        PlacementStore store = store();
        assertEquals(Optional.empty(), store.get("lun-a", 0));
        SubUnitPlacement stored = await(store.update("lun-a", 0, createIfAbsent("lun-a", 0)));
        assertEquals(placed("lun-a", 0), stored);
        assertEquals(Optional.of(stored), store.get("lun-a", 0), "own write visible at once");
        PlacementStore peer = peer();
        Eventually.await("peer sees it", () -> peer.get("lun-a", 0).equals(Optional.of(stored)));
    }

    @Test
    public void changeSeesTheCurrentPlacementAndNullMeansNoChange() throws Exception {
        PlacementStore store = store();
        assertNull(await(store.update("lun-a", 3, current -> null)), "nothing stored, nothing written");
        assertEquals(Optional.empty(), store.get("lun-a", 3));
        await(store.update("lun-a", 3, createIfAbsent("lun-a", 3)));
        SubUnitPlacement failedOver = await(store.update("lun-a", 3, p -> p.withPrimary(2, List.of(2))));
        assertEquals(2, failedOver.primary());
        assertEquals(1, failedOver.epoch());
        assertTrue(failedOver.degraded());
        assertEquals(failedOver, await(store.update("lun-a", 3, createIfAbsent("lun-a", 3))),
                "an unchanged update completes with what is stored");
    }

    @Test
    public void listReturnsOneLunsPlacementsByIndex() throws Exception {
        PlacementStore store = store();
        for (int index : new int[]{10, 2, 0, 1}) {
            await(store.update("lun-a", index, createIfAbsent("lun-a", index)));
        }
        await(store.update("lun-a-2", 5, createIfAbsent("lun-a-2", 5)));
        assertEquals(List.of(0, 1, 2, 10), store.list("lun-a").stream().map(SubUnitPlacement::index).toList());
        assertEquals(List.of(placed("lun-a-2", 5)), store.list("lun-a-2"));
        assertEquals(List.of(), store.list("lun-b"));
        PlacementStore peer = peer();
        Eventually.await("peer lists them", () -> peer.list("lun-a").size() == 4);
        assertEquals(store.list("lun-a"), peer.list("lun-a"));
    }

    @Test
    public void concurrentEpochBumpsAreNeverLost() throws Exception {
        PlacementStore store = store();
        PlacementStore peer = peer();
        List<Long> heard = new CopyOnWriteArrayList<>();
        peer.addListener(p -> heard.add(p.epoch()));
        await(store.update("lun-a", 0, createIfAbsent("lun-a", 0)));
        int threads = 8;
        int bumps = 25;
        Set<Long> epochs = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                PlacementStore writer = t % 2 == 0 ? store : peer; // two processes racing, as two control planes would
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < bumps; i++) {
                        epochs.add(await(writer.update("lun-a", 0, PlacementStoreContract::bump)).epoch());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * bumps, epochs.size(), "every bump won with an epoch of its own");
        assertEquals(threads * bumps, epochs.stream().mapToLong(Long::longValue).max().orElseThrow());
        Eventually.await("store at the last epoch", () -> store.get("lun-a", 0).orElseThrow().epoch() == threads * bumps);
        Eventually.await("peer at the last epoch", () -> peer.get("lun-a", 0).orElseThrow().epoch() == threads * bumps);
        Eventually.await("peer's listener heard the last epoch", () -> heard.contains((long) threads * bumps));
        for (int i = 1; i < heard.size(); i++) {
            assertTrue(heard.get(i) > heard.get(i - 1), "listener heard epochs out of order: " + heard);
        }
    }

    @Test
    public void listenersHearPlacementsWrittenByAnyone() throws Exception {
        PlacementStore store = store();
        PlacementStore peer = peer();
        List<SubUnitPlacement> heard = new CopyOnWriteArrayList<>();
        peer.addListener(heard::add);
        await(store.update("lun-a", 1, createIfAbsent("lun-a", 1)));
        SubUnitPlacement moved = await(store.update("lun-a", 1, p -> p.withPrimary(2, List.of(1, 2))));
        Eventually.await("peer heard the failover", () -> heard.contains(moved));
        assertEquals(moved, heard.get(heard.size() - 1), "never an older placement after a newer one");
    }

    @Test
    public void deleteRemovesEveryPlacementOfOneLun() throws Exception {
        PlacementStore store = store();
        await(store.update("lun-a", 0, createIfAbsent("lun-a", 0)));
        await(store.update("lun-a", 1, createIfAbsent("lun-a", 1)));
        await(store.update("lun-b", 0, createIfAbsent("lun-b", 0)));
        PlacementStore peer = peer();
        Eventually.await("peer sees lun-a", () -> peer.list("lun-a").size() == 2);

        await(store.delete("lun-a"));
        assertEquals(List.of(), store.list("lun-a"));
        assertEquals(Optional.empty(), store.get("lun-a", 1));
        assertEquals(List.of(placed("lun-b", 0)), store.list("lun-b"));
        Eventually.await("peer sees the delete", () -> peer.list("lun-a").isEmpty());
        await(store.delete("lun-a")); // deleting nothing is harmless

        // a LUN id reused later starts from nothing
        assertEquals(0, await(store.update("lun-a", 1, createIfAbsent("lun-a", 1))).epoch());
        assertEquals(List.of(placed("lun-a", 1)), store.list("lun-a"));
    }

    @Test
    public void changeReturningAnotherSubUnitIsRefused() throws Exception {
        PlacementStore store = store();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(store.update("lun-a", 0, current -> placed("lun-a", 1))));
        assertEquals(IllegalArgumentException.class, e.getCause().getClass());
        assertEquals(Optional.empty(), store.get("lun-a", 0));
        assertEquals(Optional.empty(), store.get("lun-a", 1));
    }
}
