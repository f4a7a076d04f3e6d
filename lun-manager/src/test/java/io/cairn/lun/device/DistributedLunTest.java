package io.cairn.lun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitGeometry;
import io.cairn.replica.SubUnitId;
import io.cairn.testkit.coord.InMemoryPlacementStore;
import io.cairn.testkit.block.BlockDeviceContract;
import io.cairn.testkit.replica.MemoryReplicaService;
import io.cairn.testkit.replica.MemoryReplicaService.Call;
import io.cairn.testkit.replica.MemorySubUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The block-device contract through the gateway's path (DistributedLun over RemoteSubUnits over
 * in-memory store nodes that share their copies, as replication would make them), then what the
 * path adds: each piece at its primary with its epoch, failover ridden out, buffers kept across
 * retries, giving up in time.
 */
class DistributedLunTest extends BlockDeviceContract {
    static final String LUN = "vol-a";
    static final int SUB = 8;      // blocks per sub-unit
    static final int SUB_UNITS = 4;

    static final LunDefinition DEFINITION = definition(LUN, (long) SUB * SUB_UNITS);

    private final InMemoryPlacementStore placements = new InMemoryPlacementStore();
    private final Map<String, LunDefinition> luns = new ConcurrentHashMap<>(Map.of(LUN, DEFINITION));
    private final MemorySubUnits content = new MemorySubUnits(new CatalogGeometry(), GRANULE, Runnable::run);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<Integer, MemoryReplicaService> stores = Map.of(1, store(1), 2, store(2), 3, store(3));
    private final AtomicInteger contractLuns = new AtomicInteger();
    private ScheduledExecutorService timer;

    private static LunDefinition definition(String id, long blockCount) {
        return new LunDefinition(id, "iqn.2024-01.io.cairn:" + id, BS, blockCount, SUB, 2, "6" + "1".repeat(31),
                "S1", 0);
    }

    /** Sub-unit sizes from the LUN definitions, as the wiring's catalog gives them. */
    private final class CatalogGeometry implements SubUnitGeometry {
        @Override
        public long blockCount(SubUnitId id) {
            LunDefinition d = luns.get(id.lunId());
            return Math.min(d.subUnitBlocks(), d.blockCount() - id.index() * d.subUnitBlocks());
        }

        @Override
        public int blockSize(SubUnitId id) {
            return luns.get(id.lunId()).blockSize();
        }
    }

    /** A store node that serves only as its sub-units' primary at their epoch, logging every call. */
    private MemoryReplicaService store(int node) {
        return new MemoryReplicaService(node, content).servingPlacement(placements).loggingTo(calls);
    }

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        place(DEFINITION);
    }

    @AfterEach
    void stopTimer() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Primaries alternate 1, 2; the other holds the second copy; epoch 1. */
    private void place(LunDefinition lun) {
        for (int i = 0; i < lun.subUnitCount(); i++) {
            int primary = i % 2 + 1;
            int secondary = 3 - primary;
            placements.put(new SubUnitPlacement(lun.id(), i, List.of(primary, secondary), primary, 1,
                    List.of(primary, secondary)));
        }
    }

    @Override
    protected BlockDevice newDevice(long blockCount) {
        LunDefinition lun = definition("contract-" + contractLuns.incrementAndGet(), blockCount);
        luns.put(lun.id(), lun);
        place(lun);
        return new DistributedLun(lun, placements, stores::get, timer, Duration.ofSeconds(10), System::nanoTime);
    }

    /** The granule is the stores' (RemoteSubUnit does not say it, so neither does the LUN). */
    @Override
    protected boolean reportsGranule() {
        return false;
    }

    private DistributedLun lun(Duration failoverWait) {
        return lun(failoverWait, stores::get);
    }

    private DistributedLun lun(Duration failoverWait, Nodes nodes) {
        return new DistributedLun(DEFINITION, placements, nodes, timer, failoverWait, System::nanoTime);
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
        byte[] data = randomBlocks(12); // lba 6..17: sub-units 0, 1 and 2
        lun.write(6, in(data), false).get(10, TimeUnit.SECONDS);
        assertArrayEquals(data, read(lun, 6, 12));
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
        byte[] data = randomBlocks(16); // sub-units 0 (node 1) and 1 (node 2)
        CompletableFuture<Void> write = lun.write(0, in(data), true);
        timer.schedule(() -> failOver(1), 100, TimeUnit.MILLISECONDS);
        write.get(10, TimeUnit.SECONDS);

        assertEquals(2, placements.get(LUN, 0).orElseThrow().primary());
        assertTrue(calls.stream().anyMatch(c -> c.node() == 1 && c.id().index() == 0), "tried the old primary first");
        Call last = calls.stream().filter(c -> c.id().index() == 0).reduce((a, b) -> b).orElseThrow();
        assertEquals(2, last.node());
        assertEquals(2, last.epoch(), "the retry carries the new epoch");
        assertArrayEquals(data, read(lun, 0, 16), "the retried write had the whole data");
    }

    @Test
    void compareAndWriteAndWriteSameKeepTheirBuffersAcrossRetries() throws Exception {
        DistributedLun lun = lun(Duration.ofSeconds(10));
        byte[] old = randomBlocks(2);
        lun.write(2, in(old), false).get(10, TimeUnit.SECONDS);
        stores.get(1).refuse(ReplicaException.Kind.NOT_PRIMARY);
        byte[] next = randomBlocks(2);
        CompletableFuture<Long> caw = lun.compareAndWrite(2, in(old), in(next), false);
        byte[] pattern = randomBlocks(1);
        CompletableFuture<Void> same = lun.writeSame(4, 4, in(pattern), false, false);
        timer.schedule(() -> failOver(1), 50, TimeUnit.MILLISECONDS);
        assertEquals(-1L, caw.get(10, TimeUnit.SECONDS));
        same.get(10, TimeUnit.SECONDS);
        assertArrayEquals(next, read(lun, 2, 2));
        byte[] written = read(lun, 4, 4);
        for (int b = 0; b < 4; b++) {
            assertArrayEquals(pattern, java.util.Arrays.copyOfRange(written, b * BS, (b + 1) * BS));
        }
    }

    @Test
    void givesUpWithUnavailableAfterTheFailoverWait() {
        DistributedLun lun = lun(Duration.ofMillis(300));
        stores.get(1).refuse(ReplicaException.Kind.UNAVAILABLE); // and nobody fails it over
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lun.write(0, in(randomBlocks(SUB)), false).get(10, TimeUnit.SECONDS));
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
                () -> lun.write(0, in(randomBlocks(SUB)), false).get(10, TimeUnit.SECONDS));
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
