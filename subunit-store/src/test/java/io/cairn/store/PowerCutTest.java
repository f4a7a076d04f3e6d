package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.store.disk.PowerCutDisk;
import io.cairn.store.oplog.FileOpLog;
import io.cairn.store.oplog.LogRecord;
import io.cairn.store.oplog.OpLogSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Power cuts under a workload of FUA writes, plain writes, unmaps and flushes, on a disk model
 * that loses what was not forced ({@link PowerCutDisk}; some unforced pages survive, at random,
 * which tears the log's tail). After each cut the store reopens (replaying its log) and every
 * block must read as a value written to it no older than the last one acknowledged durable, and
 * as nothing that was never written (each block carries its write's id, its address and a pattern
 * of both, so a torn or misplaced block shows). {@code cairn.powercut.cuts} sets the number of
 * cuts (100 in the suite; scripts/power-cut-campaign.sh runs more).
 */
class PowerCutTest {
    private static final int BS = 512;
    private static final int GRANULE = 8;
    private static final int UNITS = 2;
    private static final int BLOCKS = 256;
    private static final int THREADS = 4;
    private static final OpLogSettings LOG = new OpLogSettings(256 << 10, 64 << 10, 64 << 10, Duration.ofMillis(40));
    /** Writes without FUA hardly ever logged: durable through forces of the sub-units at flushes. */
    private static final OpLogSettings FORCING = new OpLogSettings(256 << 10, 64 << 10, 64 << 10, Duration.ofMillis(40),
            Duration.ofNanos(1));
    private static final double FIXED_WRITEBACK = Double.parseDouble(System.getProperty("cairn.powercut.writeback", "-1"));
    private static final Path DATA = Path.of("/power-cut/data");

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final ExecutorService sync = Executors.newSingleThreadExecutor();
    private final AtomicLong ids = new AtomicLong();

    @AfterEach
    void stop() {
        io.shutdownNow();
        sync.shutdownNow();
    }

    /** What one block may read as: its history of written ids (0 = zeros), and the oldest still allowed. */
    private static final class Block {
        final List<Long> history = new ArrayList<>();
        int floor;
        int completed = -1;
    }

    private final Block[][] blocks = new Block[UNITS][BLOCKS];
    private final Object acks = new Object();
    private boolean powerOff;
    private io.cairn.store.oplog.Recovery lastRecovery;
    private PowerCutDisk before;
    private long durableAcks;

    @Test
    void everyDurableWriteSurvivesEveryCut() throws Exception {
        int cuts = Integer.getInteger("cairn.powercut.cuts", 100);
        long seed = Long.getLong("cairn.powercut.seed", System.nanoTime());
        Random random = new Random(seed);
        for (Block[] unit : blocks) {
            for (int i = 0; i < BLOCKS; i++) {
                unit[i] = new Block();
                unit[i].history.add(0L);
                unit[i].floor = 0;
            }
        }
        PowerCutDisk disk = new PowerCutDisk();
        long replayed = 0;
        long tornTails = 0;
        for (int cut = 0; cut < cuts; cut++) {
            before = disk.snapshot();
            SubUnitStore store = SubUnitStore.open(disk, DATA, 3, io, sync, GRANULE * BS,
                    random.nextBoolean() ? LOG : FORCING);
            replayed += store.recovery().records();
            lastRecovery = store.recovery();
            tornTails += store.recovery().cut() != null ? 1 : 0;
            FileSubUnit[] units = open(store);
            if (cut > 0) {
                check(units, "after cut " + cut + " (seed " + seed + ")");
            }
            synchronized (acks) {
                powerOff = false;
            }
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int owner = t;
                long workerSeed = random.nextLong();
                Thread w = new Thread(() -> work(units, owner, new Random(workerSeed)), "power-cut-worker-" + t);
                w.start();
                workers.add(w);
            }
            Thread.sleep(2 + random.nextInt(30));
            double writeback = FIXED_WRITEBACK >= 0 ? FIXED_WRITEBACK
                    : random.nextInt(3) == 0 ? 1.0 : random.nextDouble() * 0.5;
            PowerCutDisk after;
            synchronized (acks) {
                powerOff = true; // no acknowledgement counts after this: the image below is taken now
                after = disk.cut(random, writeback);
            }
            for (Thread w : workers) {
                w.join(10_000);
                assertTrue(!w.isAlive(), "a worker hung after the power cut");
            }
            try {
                store.close();
            } catch (Exception expected) {
                // the old machine's disk is gone
            }
            disk = after;
        }
        SubUnitStore store = SubUnitStore.open(disk, DATA, 3, io, sync, GRANULE * BS, LOG);
        check(open(store), "after the last cut (seed " + seed + ")");
        store.close();
        assertTrue(durableAcks > cuts, "the workload must have had durable acknowledgements to check: " + durableAcks);
        assertTrue(replayed > 0, "recovery must have replayed records");
        System.out.printf("power cuts: %d, durable acknowledgements %d, records replayed %d, torn tails cut %d%n",
                cuts, durableAcks, replayed, tornTails);
    }

    private static FileSubUnit[] open(SubUnitStore store) throws Exception {
        FileSubUnit[] units = new FileSubUnit[UNITS];
        for (int u = 0; u < UNITS; u++) {
            units[u] = store.open("lun", u, BLOCKS, BS);
        }
        return units;
    }

    /** One worker: owns the granules {@code g % THREADS == owner}, one operation at a time. */
    private void work(FileSubUnit[] units, int owner, Random random) {
        try {
            while (true) {
                int u = random.nextInt(UNITS);
                int granule = owner + THREADS * random.nextInt(BLOCKS / GRANULE / THREADS);
                int first = random.nextInt(GRANULE);
                int count = 1 + random.nextInt(GRANULE - first);
                long lba = (long) granule * GRANULE + first;
                int kind = random.nextInt(10);
                if (kind < 2) {
                    flush(units);
                } else if (kind < 3) {
                    long id = 0;
                    List<int[]> marks = issue(u, lba, count, id);
                    units[u].unmap(lba, count).get(5, TimeUnit.SECONDS);
                    completed(u, marks, false);
                } else {
                    boolean fua = kind < 6;
                    long id = ids.incrementAndGet();
                    List<int[]> marks = issue(u, lba, count, id);
                    units[u].write(lba, content(id, lba, count), fua).get(5, TimeUnit.SECONDS);
                    completed(u, marks, fua);
                }
            }
        } catch (Exception e) {
            // the power went: every request from now on fails, and the worker ends
        }
    }

    /** Notes the op in the blocks' histories before it is issued; returns (lba, history index) pairs. */
    private List<int[]> issue(int u, long lba, int count, long id) {
        List<int[]> marks = new ArrayList<>();
        synchronized (acks) {
            for (int i = 0; i < count; i++) {
                Block b = blocks[u][(int) lba + i];
                b.history.add(id);
                marks.add(new int[] {(int) lba + i, b.history.size() - 1});
            }
        }
        return marks;
    }

    private void completed(int u, List<int[]> marks, boolean durable) {
        synchronized (acks) {
            if (powerOff) {
                return;
            }
            for (int[] m : marks) {
                Block b = blocks[u][m[0]];
                b.completed = Math.max(b.completed, m[1]);
                if (durable) {
                    b.floor = Math.max(b.floor, m[1]);
                }
            }
            if (durable) {
                durableAcks++;
            }
        }
    }

    /** A flush covers every op completed before it began, on every sub-unit. */
    private void flush(FileSubUnit[] units) throws Exception {
        int[][] covered = new int[UNITS][BLOCKS];
        synchronized (acks) {
            for (int u = 0; u < UNITS; u++) {
                for (int i = 0; i < BLOCKS; i++) {
                    covered[u][i] = blocks[u][i].completed;
                }
            }
        }
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (FileSubUnit unit : units) {
            flushes.add(unit.flush());
        }
        CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        synchronized (acks) {
            if (powerOff) {
                return;
            }
            for (int u = 0; u < UNITS; u++) {
                for (int i = 0; i < BLOCKS; i++) {
                    blocks[u][i].floor = Math.max(blocks[u][i].floor, covered[u][i]);
                }
            }
            durableAcks++;
        }
    }

    /** Reads every block back, checks it, and makes what it read the new baseline. */
    private void check(FileSubUnit[] units, String when) throws Exception {
        for (int u = 0; u < UNITS; u++) {
            ByteBuf all = units[u].read(0, BLOCKS).get(5, TimeUnit.SECONDS);
            try {
                for (int i = 0; i < BLOCKS; i++) {
                    byte[] got = new byte[BS];
                    all.getBytes(i * BS, got);
                    long id = idOf(got, i, when, u);
                    Block b = blocks[u][i];
                    List<Long> allowed = b.history.subList(b.floor, b.history.size());
                    if (!allowed.contains(id)) {
                        StringBuilder log = new StringBuilder();
                        int g = i / GRANULE;
                        int unit = u;
                        FileOpLog.open(before, DATA.resolve("oplog"), LOG, r -> {
                            if (r.subUnit().equals("lun/" + unit)) {
                                for (var e : r.effects()) {
                                    if (e instanceof LogRecord.Versions v && v.first() <= g && v.last() >= g) {
                                        log.append("\n  ").append(r.effects());
                                    }
                                }
                            }
                        }).close();
                        java.util.List<String> names = before.list(DATA.resolve("oplog"));
                        fail(log + "\n files " + names + "\n" + when + ": sub-unit " + u + " block " + i + " reads as write " + id
                                + "; allowed " + allowed + " (history " + b.history + ", floor " + b.floor
                                + "; version " + units[u].versionAt(i) + ", mapped "
                                + units[u].lbaStatus(i, 1).get(5, TimeUnit.SECONDS) + "; " + lastRecovery + ")");
                    }
                    b.history.clear();
                    b.history.add(id);
                    b.floor = 0;
                    b.completed = 0;
                }
            } finally {
                all.release();
            }
        }
    }

    /** The id a block carries, checking that the block is exactly what that write wrote there. */
    private static long idOf(byte[] block, int lba, String when, int u) {
        ByteBuf b = Unpooled.wrappedBuffer(block);
        long id = b.getLong(0);
        byte[] expected = id == 0 ? new byte[BS] : blockContent(id, lba);
        assertEquals(Arrays.toString(Arrays.copyOf(expected, 16)), Arrays.toString(Arrays.copyOf(block, 16)),
                when + ": sub-unit " + u + " block " + lba + " header");
        assertTrue(Arrays.equals(expected, block), when + ": sub-unit " + u + " block " + lba
                + " is torn or not what write " + id + " wrote");
        return id;
    }

    private static ByteBuf content(long id, long lba, int count) {
        ByteBuf buf = Unpooled.buffer(count * BS);
        for (int i = 0; i < count; i++) {
            buf.writeBytes(blockContent(id, (int) lba + i));
        }
        return buf;
    }

    private static byte[] blockContent(long id, int lba) {
        ByteBuf b = Unpooled.buffer(BS);
        b.writeLong(id).writeInt(lba);
        Random r = new Random(id * 31 + lba);
        while (b.writableBytes() > 0) {
            b.writeByte(r.nextInt(256));
        }
        return b.array();
    }
}
