package io.cairn.testkit.coord;

import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.testkit.Eventually;
import io.cairn.coord.lun.LunCatalog.LunExistsException;
import io.cairn.coord.lun.LunCatalog.NoSuchLunException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link LunCatalog} does; run against each implementation. */
public abstract class LunCatalogContract {

    /** A catalog over fresh, empty state. Called once per test, before {@link #peer()}. */
    protected abstract LunCatalog catalog();

    /** A second catalog over the same state as {@link #catalog()} (another process, for ZooKeeper). */
    protected abstract LunCatalog peer();

    protected static LunDefinition lun(String id, long blocks) {
        return new LunDefinition(id, "iqn.2024-01.io.cairn:" + id, 512, blocks, 2048, 2,
                "6" + "0123456789abcdef0123456789abcde", "SN-" + id, 1_700_000_000_000L);
    }

    @Test
    public void createdLunIsReadBackAndListed() throws Exception {
        LunCatalog catalog = catalog();
        assertEquals(List.of(), catalog.list());
        LunDefinition a = lun("a", 4096);
        LunDefinition b = lun("b", 8192);
        catalog.create(b);
        catalog.create(a);
        assertEquals(Optional.of(a), catalog.get("a"));
        assertEquals(List.of(a, b), catalog.list());
        assertEquals(Optional.empty(), catalog.get("c"));
    }

    @Test
    public void duplicateCreateIsRejectedAndKeepsTheOriginal() throws Exception {
        LunCatalog catalog = catalog();
        catalog.create(lun("a", 4096));
        assertThrows(LunExistsException.class, () -> catalog.create(lun("a", 9999)));
        assertEquals(4096, catalog.get("a").orElseThrow().blockCount());
    }

    @Test
    public void updateReplacesTheDefinition() throws Exception {
        LunCatalog catalog = catalog();
        catalog.create(lun("a", 4096));
        LunDefinition grown = lun("a", 16384);
        assertEquals(grown, catalog.update(grown));
        assertEquals(Optional.of(grown), catalog.get("a"));
        assertEquals(List.of(grown), catalog.list());
    }

    @Test
    public void updateOrDeleteOfAnUnknownLunIsRejected() {
        LunCatalog catalog = catalog();
        assertThrows(NoSuchLunException.class, () -> catalog.update(lun("nope", 1)));
        assertThrows(NoSuchLunException.class, () -> catalog.delete("nope"));
        assertEquals(List.of(), catalog.list());
    }

    @Test
    public void deletedLunIsGoneAndItsIdCanBeReused() throws Exception {
        LunCatalog catalog = catalog();
        catalog.create(lun("a", 4096));
        catalog.delete("a");
        assertEquals(Optional.empty(), catalog.get("a"));
        assertEquals(List.of(), catalog.list());
        assertThrows(NoSuchLunException.class, () -> catalog.delete("a"));
        catalog.create(lun("a", 100));
        assertEquals(100, catalog.get("a").orElseThrow().blockCount());
    }

    @Test
    public void listenersHearEveryKindOfChange() throws Exception {
        LunCatalog catalog = catalog();
        List<String> heard = new CopyOnWriteArrayList<>();
        catalog.addListener(heard::add);
        catalog.create(lun("a", 1));
        Eventually.await("create heard", () -> heard.size() >= 1);
        catalog.update(lun("a", 2));
        Eventually.await("update heard", () -> heard.size() >= 2);
        catalog.delete("a");
        Eventually.await("delete heard", () -> heard.size() >= 3);
        assertEquals(List.of("a", "a", "a"), heard);
    }

    @Test
    public void changesByAnotherClientBecomeVisible() throws Exception {
        LunCatalog catalog = catalog();
        LunCatalog other = peer();
        List<String> heard = new CopyOnWriteArrayList<>();
        catalog.addListener(heard::add);

        other.create(lun("x", 10));
        Eventually.await("peer's create", () -> catalog.get("x").isPresent());
        other.update(lun("x", 20));
        Eventually.await("peer's update", () -> catalog.get("x").orElseThrow().blockCount() == 20);
        other.delete("x");
        Eventually.await("peer's delete", () -> catalog.get("x").isEmpty());
        assertTrue(heard.contains("x"));
    }

    @Test
    public void concurrentCreatesOfOneIdHaveExactlyOneWinner() throws Exception {
        LunCatalog catalog = catalog();
        LunCatalog other = peer();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        try {
            List<Future<?>> done = new CopyOnWriteArrayList<>();
            for (int i = 0; i < threads; i++) {
                LunCatalog c = i % 2 == 0 ? catalog : other;
                long blocks = 1000 + i;
                done.add(pool.submit(() -> {
                    go.await();
                    try {
                        c.create(lun("race", blocks));
                        won.incrementAndGet();
                    } catch (LunExistsException e) {
                        lost.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, won.get());
        assertEquals(threads - 1, lost.get());
        // the winner may have been the other catalog: this one sees it once its watch fires
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (catalog.get("race").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(catalog.get("race").isPresent());
    }
}
