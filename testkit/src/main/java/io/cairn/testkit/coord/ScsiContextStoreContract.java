package io.cairn.testkit.coord;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.testkit.Eventually;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;
import io.cairn.coord.scsi.ScsiContext.Spc2Reservation;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link ScsiContextStore} does; run against each implementation. */
public abstract class ScsiContextStoreContract {

    /** A store over fresh, empty state. Called once per test, before {@link #peer()}. */
    protected abstract ScsiContextStore store();

    /** A second store over the same state as {@link #store()} (another gateway, for ZooKeeper). */
    protected abstract ScsiContextStore peer();

    protected static final String I1 = "iqn.1994-05.com.redhat:host1,i,0x23d000000001";
    protected static final String I2 = "iqn.1991-05.com.microsoft:host2,i,0x400001370000";
    protected static final String T1 = "iqn.2024-01.io.cairn:lun0,t,0x1";

    /** Registers one more key and bumps PRgeneration: returns the new generation. */
    public static Function<ScsiContext, Update<Long>> register(long key) {
        return c -> {
            List<PrRegistration> regs = new ArrayList<>(c.registrations());
            regs.add(new PrRegistration(I1, T1, key));
            long generation = c.prGeneration() + 1;
            return new Update<>(c.withRegistrations(generation, regs, c.reservation()), generation);
        };
    }

    protected static Function<ScsiContext, Update<Long>> bumpGeneration() {
        return c -> new Update<>(c.withRegistrations(c.prGeneration() + 1, c.registrations(), c.reservation()),
                c.prGeneration() + 1);
    }

    protected static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    public static ScsiContext richContext() {
        return new ScsiContext(7,
                List.of(new PrRegistration(I1, T1, 0x1111L), new PrRegistration(I2, T1, 0xabcdef0123456789L)),
                new PrReservation(I1, T1, 0x1111L, 5),
                true,
                new Spc2Reservation(I2, T1),
                Map.of(ScsiContext.nexusKey(I2, T1), List.of(new UnitAttention(0x2a, 0x03), new UnitAttention(0x29, 0x00))),
                Map.of(0x08, new byte[]{0x08, 0x12, 0x14}, 0x0a, new byte[]{0x0a, 0x0a, 0x02, 0x00}));
    }

    public static void assertSameContext(ScsiContext expected, ScsiContext actual) {
        assertEquals(expected.withModePages(Map.of()), actual.withModePages(Map.of()));
        assertEquals(expected.modePages().keySet(), actual.modePages().keySet());
        expected.modePages().forEach((page, bytes) -> assertArrayEquals(bytes, actual.modePages().get(page), "page " + page));
    }

    @Test
    public void contextIsEmptyUntilWritten() {
        assertSame(ScsiContext.EMPTY, store().current("lun-a"));
    }

    @Test
    public void updateCompletesWithTheResultAndTheWriterSeesItsOwnChange() throws Exception {
        ScsiContextStore store = store();
        assertEquals(1L, await(store.update("lun-a", register(0x1111))));
        ScsiContext now = store.current("lun-a");
        assertEquals(1, now.prGeneration());
        assertEquals(List.of(new PrRegistration(I1, T1, 0x1111)), now.registrations());
        assertEquals(2L, await(store.update("lun-a", register(0x2222))));
        assertEquals(2, store.current("lun-a").registrations().size());
        assertSame(ScsiContext.EMPTY, store.current("lun-b"), "LUNs are independent");
    }

    @Test
    public void unchangedUpdateWritesNothing() throws Exception {
        ScsiContextStore store = store();
        await(store.update("lun-a", register(1)));
        ScsiContext before = store.current("lun-a");
        assertEquals("gen=1", await(store.update("lun-a", c -> Update.unchanged("gen=" + c.prGeneration()))));
        assertSame(before, store.current("lun-a"));
        assertEquals(2L, await(store.update("lun-a", register(2))));
    }

    @Test
    public void failingChangeFailsTheFutureAndWritesNothing() throws Exception {
        ScsiContextStore store = store();
        await(store.update("lun-a", register(1)));
        CompletableFuture<Object> failed = store.update("lun-a", c -> {
            throw new IllegalArgumentException("bad request");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(failed));
        assertEquals(IllegalArgumentException.class, e.getCause().getClass());
        assertEquals(1, store.current("lun-a").prGeneration());
    }

    @Test
    public void fullContextRoundTripsToAnotherClient() throws Exception {
        ScsiContextStore store = store();
        ScsiContextStore other = peer();
        ScsiContext rich = richContext();
        await(store.update("lun-a", c -> new Update<>(rich, null)));
        assertSameContext(rich, store.current("lun-a"));
        Eventually.await("peer sees it", () -> other.current("lun-a").prGeneration() == 7);
        assertSameContext(rich, other.current("lun-a"));
    }

    @Test
    public void concurrentUpdatesLoseNothing() throws Exception {
        ScsiContextStore store = store();
        int threads = 8;
        int perThread = 50;
        List<Long> generations = hammer(List.of(store), threads, perThread);
        assertEquals(threads * perThread, store.current("lun-a").prGeneration());
        assertEquals(threads * perThread, new HashSet<>(generations).size(), "every update saw a distinct generation");
    }

    @Test
    public void concurrentUpdatesFromTwoClientsLoseNothing() throws Exception {
        ScsiContextStore store = store();
        ScsiContextStore other = peer();
        List<Long> generations = hammer(List.of(store, other), 4, 25);
        Set<Long> distinct = new HashSet<>(generations);
        assertEquals(100, distinct.size(), "no two updates applied to the same version");
        assertEquals(100L, distinct.stream().mapToLong(Long::longValue).max().orElseThrow());
        Eventually.await("both converge", () -> store.current("lun-a").prGeneration() == 100
                && other.current("lun-a").prGeneration() == 100);
    }

    private static List<Long> hammer(List<ScsiContextStore> stores, int threads, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Long> generations = new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ScsiContextStore store = stores.get(t % stores.size());
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        generations.add(await(store.update("lun-a", bumpGeneration())));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return generations;
    }

    @Test
    public void listenersHearChangesFromAnotherClient() throws Exception {
        ScsiContextStore store = store();
        ScsiContextStore other = peer();
        List<ScsiContext> heard = new CopyOnWriteArrayList<>();
        store.addListener("lun-a", heard::add);
        await(other.update("lun-a", register(0x42)));
        Eventually.await("change heard", () -> !heard.isEmpty());
        assertEquals(List.of(new PrRegistration(I1, T1, 0x42)), heard.get(heard.size() - 1).registrations());
        assertEquals(1, store.current("lun-a").prGeneration());
        // and the first client's next update applies to the peer's version, not a stale copy
        assertEquals(2L, await(store.update("lun-a", register(0x43))));
    }

    @Test
    public void deleteDropsTheContextEverywhere() throws Exception {
        ScsiContextStore store = store();
        ScsiContextStore other = peer();
        await(store.update("lun-a", register(1)));
        Eventually.await("peer has it", () -> other.current("lun-a").prGeneration() == 1);
        List<ScsiContext> heard = new CopyOnWriteArrayList<>();
        other.addListener("lun-a", heard::add);
        await(store.delete("lun-a"));
        assertSame(ScsiContext.EMPTY, store.current("lun-a"));
        Eventually.await("peer dropped it", () -> other.current("lun-a") == ScsiContext.EMPTY);
        Eventually.await("peer's listener heard", () -> heard.contains(ScsiContext.EMPTY));
        await(store.delete("lun-a")); // deleting nothing is fine
        assertEquals(1L, await(other.update("lun-a", register(9))), "a new context starts from EMPTY");
    }
}
