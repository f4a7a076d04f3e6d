package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.store.disk.PowerCutDisk;
import io.cairn.store.oplog.ChangeCursors;
import io.cairn.store.oplog.ChangeCursors.PendingExtent;
import io.cairn.store.oplog.OpLogSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The change source across power cuts and kill -9 ({@link ChangeCursors}): writers change blocks
 * in a few extents each (a new few every round) of two sub-units of 16 extents (FUA writes, plain
 * writes, unmaps, flushes) while a consumer ships every listed extent (reads it after taking the
 * cursor's list, then says so) until, in half of the rounds, its link goes down. The log is
 * small, so it is checkpointed and trimmed many times a round. After each cut the store reopens,
 * and every block whose recovered content is newer than what the consumer shipped of it must lie
 * in an extent the cursor lists: nothing the consumer has not got is forgotten, whatever the log
 * dropped. A third of the cuts write every page back (a kill -9: the page cache survives); the
 * others lose a random part of what was not forced. {@code cairn.changes.cuts} sets the number (40).
 */
class ChangeSourceTest {
    private static final int BS = 512;
    private static final int GRANULE = 8;
    private static final int UNITS = 2;
    private static final int EXTENT = ChangeCursors.EXTENT_BLOCKS * GRANULE;
    private static final int EXTENTS = 16;
    private static final int BLOCKS = EXTENTS * EXTENT;
    private static final OpLogSettings LOG = new OpLogSettings(256 << 10, 64 << 10, 64 << 10, Duration.ofMillis(40));
    private static final Path DATA = Path.of("/change-source/data");
    private static final String CURSOR = "osaka";

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final ExecutorService sync = Executors.newSingleThreadExecutor();
    private final AtomicLong ids = new AtomicLong();
    private final Object model = new Object();
    /** Per block, every id written to it in order (0: unmapped); guarded by model. */
    private final List<List<Long>> history = new ArrayList<>();
    /** Per block, the index in its history of what the consumer last shipped (-1: older than all). */
    private final int[][] shipped = new int[UNITS][BLOCKS];
    private boolean powerOff;

    @AfterEach
    void stop() {
        io.shutdownNow();
        sync.shutdownNow();
    }

    @Test
    void nothingTheConsumerHasNotGotIsForgottenAcrossCuts() throws Exception {
        int cuts = Integer.getInteger("cairn.changes.cuts", 40);
        long seed = Long.getLong("cairn.changes.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < UNITS * BLOCKS; i++) {
            history.add(new ArrayList<>(List.of(0L)));
        }
        PowerCutDisk disk = new PowerCutDisk();
        int required = 0;
        long shippedExtents = 0;
        long trims = 0;
        for (int cut = 0; cut <= cuts; cut++) {
            SubUnitStore store = SubUnitStore.open(disk, DATA, 3, io, sync, GRANULE * BS, LOG);
            if (cut == 0) {
                store.registerChangeCursor(CURSOR);
            }
            FileSubUnit[] units = new FileSubUnit[UNITS];
            for (int u = 0; u < UNITS; u++) {
                units[u] = store.open("lun", u, BLOCKS, BS);
            }
            assertEquals(List.of(CURSOR), store.changes().names());
            if (cut > 0) {
                required += check(store, units, "after cut " + cut + " (seed " + seed + ")");
            }
            if (cut == cuts) {
                store.close();
                break;
            }
            synchronized (model) {
                powerOff = false;
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int owner = t;
                long s = random.nextLong();
                threads.add(new Thread(() -> write(units, owner, new Random(s)), "change-writer-" + t));
            }
            long[] count = {0};
            long cs = random.nextLong();
            threads.add(new Thread(() -> count[0] = ship(store, units, new Random(cs)), "change-consumer"));
            threads.forEach(Thread::start);
            long trimmedBefore = store.oplog() instanceof io.cairn.store.oplog.FileOpLog f ? f.trimmedSegments() : 0;
            Thread.sleep(40 + random.nextInt(80));
            trims += (store.oplog() instanceof io.cairn.store.oplog.FileOpLog f ? f.trimmedSegments() : 0) - trimmedBefore;
            double writeback = random.nextInt(3) == 0 ? 1.0 : random.nextDouble() * 0.5;
            PowerCutDisk after;
            synchronized (model) {
                powerOff = true;
                after = disk.cut(random, writeback);
            }
            for (Thread t : threads) {
                t.join(10_000);
                assertTrue(!t.isAlive(), "a thread hung after the cut");
            }
            shippedExtents += count[0];
            try {
                store.close();
            } catch (Exception expected) {
                // the old machine's disk is gone
            }
            disk = after;
        }
        assertTrue(required > 0, "some recovered blocks must have been newer than what was shipped: " + required);
        assertTrue(shippedExtents > 0, "the consumer must have shipped extents");
        assertTrue(trims > cuts, "the log must have been trimmed while the cursor held changes: " + trims);
        System.out.printf("change source: %d cuts, %d log segments trimmed, %d blocks owed to the consumer found"
                + " listed, %d extents shipped%n", cuts, trims, required, shippedExtents);
    }

    @Test
    void aWriteQueuedBeforeTheCursorAndRunAfterItIsLoggedSoAKillNineKeepsIt() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean gated = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.Executor lane = task -> io.execute(() -> {
            if (gated.get()) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            task.run();
        });
        PowerCutDisk disk = new PowerCutDisk();
        SubUnitStore store = SubUnitStore.open(disk, DATA, 3, lane, sync, GRANULE * BS, LOG);
        FileSubUnit unit = store.open("lun", 0, BLOCKS, BS);
        gated.set(true);
        // queued while no cursor exists and nobody synced lately: it would go to the files alone
        CompletableFuture<Void> write = unit.write(3L * EXTENT, content(7, 1), false);
        store.registerChangeCursor(CURSOR);
        gate.countDown();
        write.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("lun/0#3"), store.changes().pending(CURSOR).stream()
                .map(e -> e.subUnit() + "#" + e.extent()).toList());
        PowerCutDisk after = disk.cut(new Random(1), 1.0); // kill -9: the page cache survives, memory does not
        try {
            store.close();
        } catch (Exception expected) {
            // the old process is gone
        }
        SubUnitStore again = SubUnitStore.open(after, DATA, 3, io, sync, GRANULE * BS, LOG);
        try {
            assertEquals(List.of("lun/0#3"), again.changes().pending(CURSOR).stream()
                    .map(e -> e.subUnit() + "#" + e.extent()).toList(), "the write's record was replayed and noted");
        } finally {
            again.close();
        }
    }

    /** A writer: owns granules {@code g % 3 == owner} of a few extents of its own this round, one operation at a time. */
    private void write(FileSubUnit[] units, int owner, Random random) {
        int[] hot = random.ints(2, 0, EXTENTS).toArray();
        int perExtent = EXTENT / GRANULE;
        try {
            while (true) {
                int u = random.nextInt(UNITS);
                int granule = hot[random.nextInt(hot.length)] * perExtent + owner + 3 * random.nextInt(perExtent / 3);
                int first = random.nextInt(GRANULE);
                int count = 1 + random.nextInt(GRANULE - first);
                long lba = (long) granule * GRANULE + first;
                int kind = random.nextInt(10);
                if (kind == 0) {
                    CompletableFuture.allOf(units[0].flush(), units[1].flush()).get(5, TimeUnit.SECONDS);
                } else if (kind == 1) {
                    issue(u, lba, count, 0);
                    units[u].unmap(lba, count).get(5, TimeUnit.SECONDS);
                } else {
                    long id = ids.incrementAndGet();
                    issue(u, lba, count, id);
                    units[u].write(lba, content(id, count), kind < 5).get(5, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            // the power went
        }
    }

    private void issue(int u, long lba, int count, long id) {
        synchronized (model) {
            for (int i = 0; i < count; i++) {
                history.get(u * BLOCKS + (int) lba + i).add(id);
            }
        }
    }

    /** The consumer: takes the list, reads some listed extents, ships them, says so. */
    private long ship(SubUnitStore store, FileSubUnit[] units, Random random) {
        long n = 0;
        // in half of the rounds the consumer's link goes down early, so changes outlive log trims
        long linkCut = System.nanoTime() + (random.nextBoolean() ? 0 : TimeUnit.MILLISECONDS.toNanos(random.nextInt(30)));
        try {
            while (true) {
                synchronized (model) {
                    if (powerOff) {
                        return n;
                    }
                }
                if (System.nanoTime() > linkCut) {
                    Thread.sleep(1); // the link to the consumer's site is down: changes pile up
                    continue;
                }
                List<PendingExtent> pending = store.changes().pending(CURSOR);
                for (PendingExtent e : pending) {
                    int u = Integer.parseInt(e.subUnit().substring(e.subUnit().indexOf('/') + 1));
                    long[] read = idsOf(units[u], (long) e.extent() * EXTENT, EXTENT);
                    synchronized (model) {
                        if (powerOff) {
                            return n;
                        }
                        for (int i = 0; i < EXTENT; i++) {
                            int block = e.extent() * EXTENT + i;
                            shipped[u][block] = history.get(u * BLOCKS + block).lastIndexOf(read[i]);
                        }
                    }
                    store.changes().shipped(CURSOR, e);
                    n++;
                }
                Thread.sleep(1);
            }
        } catch (Exception e) {
            return n; // the power went
        }
    }

    /** Every block newer than what was shipped of it lies in a listed extent; then the model starts over. */
    private int check(SubUnitStore store, FileSubUnit[] units, String when) throws Exception {
        Set<String> listed = new HashSet<>();
        for (PendingExtent e : store.changes().pending(CURSOR)) {
            listed.add(e.subUnit() + "#" + e.extent());
        }
        int required = 0;
        for (int u = 0; u < UNITS; u++) {
            long[] now = idsOf(units[u], 0, BLOCKS);
            for (int b = 0; b < BLOCKS; b++) {
                List<Long> h = history.get(u * BLOCKS + b);
                if (!h.contains(now[b])) {
                    fail(when + ": sub-unit " + u + " block " + b + " reads as " + now[b] + ", never written there");
                }
                // content alone cannot tell an unmap of an unmapped block (history [0, 0]) or a lost write
                // followed by its undo from no change at all: the block is owed only when every write its
                // content could be came after what was shipped
                boolean owed = h.indexOf(now[b]) > shipped[u][b];
                if (owed) {
                    required++;
                    if (!listed.contains("lun/" + u + "#" + (b / EXTENT))) {
                        fail(when + ": sub-unit " + u + " block " + b + " recovered as write " + now[b]
                                + " (history " + h + "), the consumer shipped index " + shipped[u][b]
                                + ", but extent " + b / EXTENT + " is not listed: " + listed);
                    }
                }
                h.clear();
                h.add(now[b]);
                shipped[u][b] = owed ? -1 : 0;
            }
        }
        return required;
    }

    private static long[] idsOf(FileSubUnit unit, long lba, int blocks) throws Exception {
        ByteBuf all = unit.read(lba, blocks).get(5, TimeUnit.SECONDS);
        try {
            long[] ids = new long[blocks];
            for (int i = 0; i < blocks; i++) {
                ids[i] = all.getLong(i * BS);
            }
            return ids;
        } finally {
            all.release();
        }
    }

    private static ByteBuf content(long id, int count) {
        ByteBuf buf = Unpooled.buffer(count * BS);
        for (int i = 0; i < count; i++) {
            buf.writeLong(id).writeZero(BS - 8);
        }
        return buf;
    }
}
