package io.cairn.lun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.BlockDeviceException;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.fakes.FakePlacementStore;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.testkit.replica.MemoryReplicaService;
import io.cairn.testkit.replica.MemoryReplicaService.Call;
import io.cairn.testkit.replica.MemorySubUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DistributedLunTest {
    static final String LUN = "vol-a";
    static final int BS = 512;
    static final int SUB = 8;      // blocks per sub-unit
    static final int SUB_UNITS = 4;

    private final FakePlacementStore placements = new FakePlacementStore();
    /** Shared by every node, as replication would make their copies. */
    private final MemorySubUnits content = new MemorySubUnits(SUB, BS);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<Integer, MemoryReplicaService> stores = Map.of(1, store(1), 2, store(2), 3, store(3));
    private final List<ByteBuf> handedOver = new ArrayList<>();
    private final Random random = new Random(11);
    private ScheduledExecutorService timer;

    static final LunDefinition DEFINITION = new LunDefinition(LUN, "iqn.2024-01.io.cairn:vol-a", BS,
            (long) SUB * SUB_UNITS, SUB, 2, "6" + "1".repeat(31), "S1", 0);

    /** A store node that serves only as its sub-units' primary at their epoch, logging every call. */
    private MemoryReplicaService store(int node) {
        return new MemoryReplicaService(node, content).servingPlacement(placements).loggingTo(calls);
    }

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        for (int i = 0; i < SUB_UNITS; i++) { // primaries alternate 1, 2; the other holds the second copy
            int primary = i % 2 + 1;
            int secondary = 3 - primary;
            placements.put(new SubUnitPlacement(LUN, i, List.of(primary, secondary), primary, 1,
                    List.of(primary, secondary)));
        }
    }

    @AfterEach
    void everyInputReleased() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        for (ByteBuf b : handedOver) {
            assertEquals(0, b.refCnt(), "an input buffer was not released");
        }
    }

    private DistributedLun lun(Duration failoverWait) {
        return lun(failoverWait, stores::get);
    }

    private DistributedLun lun(Duration failoverWait, Nodes nodes) {
        return new DistributedLun(DEFINITION, placements, nodes, timer, failoverWait, System::nanoTime);
    }

    private ByteBuf buffer(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(bytes.length);
        b.writeBytes(bytes);
        handedOver.add(b);
        return b;
    }

    private byte[] randomBytes(int blocks) {
        byte[] b = new byte[blocks * BS];
        random.nextBytes(b);
        return b;
    }

    private static byte[] readAll(DistributedLun lun, long lba, int blocks) throws Exception {
        ByteBuf b = lun.read(lba, blocks).get(10, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Makes {@code node}'s sub-units fail over to their other copy (as the control plane would). */
    private void failOver(int node) {
        for (SubUnitPlacement p : placements.list(LUN)) {
            if (p.primary() == node) {
                int other = p.replicas().stream().filter(id -> id != node).findFirst().orElseThrow();
                placements.put(p.withPrimary(other, List.of(other)));
            }
        }
    }

    @Test
    void eachPieceGoesToItsSubUnitsPrimaryWithItsEpoch() throws Exception {
        DistributedLun lun = lun(Duration.ofSeconds(5));
        byte[] data = randomBytes(12); // lba 6..17: sub-units 0, 1 and 2
        lun.write(6, buffer(data), false).get(10, TimeUnit.SECONDS);
        assertArrayEquals(data, readAll(lun, 6, 12));
        for (Call c : calls) {
            SubUnitPlacement p = placements.get(LUN, c.id().index()).orElseThrow();
            assertEquals(p.primary(), c.node(), "sent to a non-primary: " + c);
            assertEquals(p.epoch(), c.epoch());
        }
        assertEquals(6, calls.size(), "three pieces written and read, no retries");
        assertEquals(SUB_UNITS * SUB, lun.blockCount());
        assertEquals(BS, lun.blockSize());
    }

    @Test
    void writeRidesOutAFailoverWithoutAnError() throws Exception {
        DistributedLun lun = lun(Duration.ofSeconds(10));
        stores.get(1).refuse(ReplicaException.Kind.STALE_EPOCH); // deposed: a newer primary exists
        byte[] data = randomBytes(16); // sub-units 0 (node 1) and 1 (node 2)
        CompletableFuture<Void> write = lun.write(0, buffer(data), true);
        timer.schedule(() -> failOver(1), 100, TimeUnit.MILLISECONDS);
        write.get(10, TimeUnit.SECONDS);

        assertEquals(2, placements.get(LUN, 0).orElseThrow().primary());
        assertTrue(calls.stream().anyMatch(c -> c.node() == 1 && c.id().index() == 0), "tried the old primary first");
        Call last = calls.stream().filter(c -> c.id().index() == 0).reduce((a, b) -> b).orElseThrow();
        assertEquals(2, last.node());
        assertEquals(2, last.epoch(), "the retry carries the new epoch");
        assertArrayEquals(data, readAll(lun, 0, 16), "the retried write had the whole data");
    }

    @Test
    void compareAndWriteAndWriteSameKeepTheirBuffersAcrossRetries() throws Exception {
        DistributedLun lun = lun(Duration.ofSeconds(10));
        byte[] old = randomBytes(2);
        lun.write(2, buffer(old), false).get(10, TimeUnit.SECONDS);
        stores.get(1).refuse(ReplicaException.Kind.NOT_PRIMARY);
        byte[] next = randomBytes(2);
        CompletableFuture<Long> caw = lun.compareAndWrite(2, buffer(old), buffer(next), false);
        byte[] pattern = randomBytes(1);
        CompletableFuture<Void> same = lun.writeSame(4, 4, buffer(pattern), false, false);
        timer.schedule(() -> failOver(1), 50, TimeUnit.MILLISECONDS);
        assertEquals(-1L, caw.get(10, TimeUnit.SECONDS));
        same.get(10, TimeUnit.SECONDS);
        assertArrayEquals(next, readAll(lun, 2, 2));
        byte[] written = readAll(lun, 4, 4);
        for (int b = 0; b < 4; b++) {
            assertArrayEquals(pattern, java.util.Arrays.copyOfRange(written, b * BS, (b + 1) * BS));
        }
    }

    @Test
    void givesUpWithUnavailableAfterTheFailoverWait() {
        DistributedLun lun = lun(Duration.ofMillis(300));
        stores.get(1).refuse(ReplicaException.Kind.UNAVAILABLE); // and nobody fails it over
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lun.write(0, buffer(randomBytes(SUB)), false).get(10, TimeUnit.SECONDS));
        BlockDeviceException b = assertInstanceOf(BlockDeviceException.class, e.getCause());
        assertEquals(BlockDeviceException.Kind.UNAVAILABLE, b.kind());
        assertTrue(calls.stream().filter(c -> c.node() == 1).count() >= 1);
        ExecutionException r = assertThrows(ExecutionException.class, () -> lun.read(0, 1).get(10, TimeUnit.SECONDS));
        assertEquals(BlockDeviceException.Kind.UNAVAILABLE, ((BlockDeviceException) r.getCause()).kind());
    }

    @Test
    void failuresThatNoFailoverCuresAreNotRetried() {
        DistributedLun lun = lun(Duration.ofSeconds(10));
        stores.get(1).refuse(ReplicaException.Kind.MEDIUM_ERROR);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lun.write(0, buffer(randomBytes(SUB)), false).get(10, TimeUnit.SECONDS));
        assertEquals(BlockDeviceException.Kind.MEDIUM_ERROR, ((BlockDeviceException) e.getCause()).kind());
        assertEquals(1, calls.size());
    }

    @Test
    void unreachableNodeIsRetriedUntilThePlacementMoves() throws Exception {
        Nodes nodes = id -> {
            if (id == 1) {
                throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "no connection to node 1");
            }
            return stores.get(id);
        };
        DistributedLun lun = lun(Duration.ofSeconds(10), nodes);
        CompletableFuture<ByteBuf> read = lun.read(0, 1);
        timer.schedule(() -> failOver(1), 50, TimeUnit.MILLISECONDS);
        ByteBuf b = read.get(10, TimeUnit.SECONDS);
        assertEquals(BS, b.readableBytes());
        b.release();
    }

    @Test
    void aReadArrivingAfterGivingUpIsReleased() throws Exception {
        CompletableFuture<ByteBuf> late = new CompletableFuture<>();
        List<CompletableFuture<ByteBuf>> attempts = new ArrayList<>();
        ReplicaService slow = new MemoryReplicaService(1, content) {
            @Override
            public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
                attempts.add(late);
                return attempts.size() == 1
                        ? CompletableFuture.failedFuture(new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "busy"))
                        : late;
            }
        }.servingPlacement(placements).loggingTo(calls);
        DistributedLun lun = new DistributedLun(DEFINITION, placements, id -> slow, timer, Duration.ofMillis(700),
                System::nanoTime);
        CompletableFuture<ByteBuf> read = lun.read(0, 1);
        // the first attempt fails, the same-placement retry hangs, the wait runs out
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
        assertEquals(BlockDeviceException.Kind.UNAVAILABLE, ((BlockDeviceException) e.getCause()).kind());
        ByteBuf arriving = PooledByteBufAllocator.DEFAULT.buffer(BS).writeZero(BS);
        late.complete(arriving);
        assertEquals(0, arriving.refCnt(), "a late read result must be released");
    }

    @Test
    void degradedWhenASubUnitLacksAnInSyncCopyOrAPlacement() {
        DistributedLun lun = lun(Duration.ofSeconds(1));
        assertFalse(lun.degraded());
        failOver(1);
        assertTrue(lun.degraded());
        placements.delete(LUN);
        assertTrue(lun.degraded());
    }
}
