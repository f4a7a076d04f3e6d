package io.cairn.testkit.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.cairn.testkit.block.BlockBuffers;
import io.cairn.testkit.coord.InMemoryPlacementStore;
import io.cairn.testkit.replica.MemoryReplicaService.Call;
import io.cairn.testkit.replica.MemoryReplicaService.Op;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryReplicaServiceTest {
    private static final int BS = 512;
    private static final SubUnitId A = new SubUnitId("lun-a", 0);

    private final BlockBuffers buffers = new BlockBuffers(BS, 3);
    private final MemorySubUnits shared = new MemorySubUnits(16, BS);

    @AfterEach
    void everyBufferReleased() {
        buffers.assertAllReleased();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Kind refusal(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        return assertInstanceOf(ReplicaException.class, e.getCause()).kind();
    }

    private static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void servesFromItsCopiesWhichNodesMayShare() throws Exception {
        MemoryReplicaService one = new MemoryReplicaService(1, shared);
        MemoryReplicaService two = new MemoryReplicaService(2, shared);
        byte[] data = buffers.randomBlocks(2);
        get(one.write(A, 1, 3, buffers.in(data), true));
        assertArrayEquals(data, bytes(get(two.read(A, 1, 3, 2))), "what one primary wrote the next reads");
        assertEquals(1, one.copy(A).fuaWrites());
        assertEquals(-1L, get(two.compareAndWrite(A, 1, 3, buffers.in(data), buffers.in(new byte[2 * BS]), false)));
        get(one.unmap(A, 1, 0, 16));
        assertFalse(get(one.lbaStatus(A, 1, 0, 4)).get(0).mapped());
        get(one.writeSame(A, 1, 8, 2, buffers.in(buffers.randomBlocks(1)), false, false));
        get(one.flush(A, 1));
        assertEquals(1, one.copy(A).flushes());
    }

    @Test
    void learnsTheNewestEpochAndRefusesOlderOnes() throws Exception {
        MemoryReplicaService node = new MemoryReplicaService(1, shared);
        get(node.write(A, 3, 0, buffers.in(buffers.randomBlocks(1)), false));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> get(node.write(A, 2, 0, buffers.in(buffers.randomBlocks(1)), false)));
        ReplicaException stale = assertInstanceOf(ReplicaException.class, e.getCause());
        assertEquals(Kind.STALE_EPOCH, stale.kind());
        assertTrue(stale.getMessage().contains("epoch 2 < 3"), stale.getMessage());
        node.setEpoch(A, 5);
        assertEquals(Kind.STALE_EPOCH, refusal(node.flush(A, 4)));
        get(node.flush(A, 5));
        get(node.flush(new SubUnitId("lun-a", 1), 1)); // epochs are per sub-unit
        get(node.verify(A)); // carries no epoch
    }

    @Test
    void servingAPlacementOnlyThePrimaryAtExactlyItsEpochServesGateways() throws Exception {
        InMemoryPlacementStore placements = new InMemoryPlacementStore();
        get(placements.update("lun-a", 0, p -> new SubUnitPlacement("lun-a", 0, List.of(1, 2), 1, 4, List.of(1, 2))));
        MemoryReplicaService primary = new MemoryReplicaService(1, shared).servingPlacement(placements);
        MemoryReplicaService replica = new MemoryReplicaService(2, shared).servingPlacement(placements);
        get(primary.write(A, 4, 0, buffers.in(buffers.randomBlocks(1)), false));
        assertEquals(Kind.STALE_EPOCH, refusal(primary.write(A, 5, 0, buffers.in(buffers.randomBlocks(1)), false)));
        assertEquals(Kind.STALE_EPOCH, refusal(primary.read(A, 3, 0, 1)));
        assertEquals(Kind.NOT_PRIMARY, refusal(replica.write(A, 4, 0, buffers.in(buffers.randomBlocks(1)), false)));
        assertEquals(Kind.NOT_PRIMARY, refusal(replica.lbaStatus(A, 4, 0, 1)));
        get(replica.replicate(A, 4, 1, 1, buffers.in(buffers.randomBlocks(1)), new BlockVersion(4, 9), false));
        get(replica.versions(A, 4));
        assertEquals(Kind.STALE_EPOCH, refusal(replica.versions(A, 3)));
        assertEquals(Kind.NOT_HOSTED, refusal(primary.read(new SubUnitId("lun-a", 1), 4, 0, 1)), "not placed");
    }

    @Test
    void refusesLunsItDoesNotHostAndEverythingWhenToldTo() throws Exception {
        MemoryReplicaService node = new MemoryReplicaService(1, shared).notHosting("absent");
        assertEquals(Kind.NOT_HOSTED, refusal(node.write(new SubUnitId("absent", 0), 1, 0,
                buffers.in(buffers.randomBlocks(1)), false)));
        node.refuse(Kind.UNAVAILABLE);
        assertEquals(Kind.UNAVAILABLE, refusal(node.compareAndWrite(A, 1, 0, buffers.in(new byte[BS]),
                buffers.in(new byte[BS]), false)));
        assertEquals(Kind.UNAVAILABLE, refusal(node.replicate(A, 1, 0, 1, buffers.in(new byte[BS]),
                new BlockVersion(1, 1), false)));
        assertEquals(Kind.UNAVAILABLE, refusal(node.verify(A)));
        node.refuse(null);
        get(node.flush(A, 1));
    }

    @Test
    void logsEveryCallInOrderAcrossNodesSharingALog() throws Exception {
        List<Call> log = new CopyOnWriteArrayList<>();
        MemoryReplicaService one = new MemoryReplicaService(1, shared).loggingTo(log);
        MemoryReplicaService two = new MemoryReplicaService(2, shared).loggingTo(log);
        two.refuse(Kind.NOT_PRIMARY);
        get(one.write(A, 7, 0, buffers.in(buffers.randomBlocks(1)), false));
        refusal(two.read(A, 7, 0, 1));
        get(one.verify(A));
        assertEquals(List.of(new Call(1, A, 7, Op.WRITE), new Call(2, A, 7, Op.READ), new Call(1, A, -1, Op.VERIFY)),
                log);
        assertEquals(log, one.calls());
    }

    @Test
    void heldRequestsRunWhenReleasedLastFirst() throws Exception {
        MemoryReplicaService node = new MemoryReplicaService(1, shared);
        node.hold(true);
        List<Integer> order = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            writes.add(node.write(A, 1, i, buffers.in(buffers.randomBlocks(1)), false)
                    .whenComplete((v, e) -> order.add(n)));
        }
        CompletableFuture<ByteBuf> read = node.read(A, 1, 0, 3);
        assertEquals(4, node.heldCount());
        assertTrue(writes.stream().noneMatch(CompletableFuture::isDone), "nothing ran while held");
        node.releaseHeldReversed();
        assertEquals(0, node.heldCount());
        assertEquals(List.of(2, 1, 0), order);
        assertArrayEquals(new byte[3 * BS], bytes(get(read)), "the read, last in, ran first");
        node.hold(false);
        assertEquals(3 * BS, bytes(get(node.read(A, 1, 0, 3))).length);
    }

    @Test
    void replicationAppliesOnlyNewerVersionsAndVerifyReportsTheCopy() throws Exception {
        MemorySubUnits copies = new MemorySubUnits(16, BS);
        MemoryReplicaService node = new MemoryReplicaService(9, copies);
        byte[] data = buffers.randomBlocks(2);
        get(node.replicate(A, 1, 4, 2, buffers.in(data), new BlockVersion(1, 20), true));
        get(node.replicate(A, 1, 4, 2, buffers.in(buffers.randomBlocks(2)), new BlockVersion(1, 19), false));
        get(node.replicate(A, 1, 6, 1, null, new BlockVersion(1, 21), false));
        assertArrayEquals(data, bytes(get(node.read(A, 1, 4, 2))), "the older version was not applied");
        VersionSnapshot versions = get(node.versions(A, 1));
        assertEquals(new BlockVersion(1, 20), versions.version(5));
        assertEquals(new BlockVersion(1, 21), versions.version(6));
        assertFalse(versions.mapped()[6]);
        Verification v = get(node.verify(A));
        assertEquals(9, v.node());
        assertArrayEquals(versions.ids(), v.versions().ids());
        assertArrayEquals(get(copies.copy(A).digests()), v.contentDigests());
    }
}
