package io.cairn.store.replica;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.Peers;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.ReplicaSet;
import io.cairn.replica.SubUnitGeometry;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.store.FileSubUnit;
import io.cairn.store.SubUnitStore;
import io.cairn.store.disk.CountingDisk;
import io.cairn.store.disk.Disk;
import io.cairn.store.oplog.OpLogSettings;
import io.cairn.testkit.block.BlockBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store nodes wired to each other in-process: node 1 primary, node 2 its in-site replica, 512-byte
 * blocks, 4 KiB replication blocks (8 logical blocks each), 256 blocks = 32 replication blocks.
 */
class ReplicaHostTest {
    static final SubUnitId ID = new SubUnitId("lun-r", 0);
    static final int BS = 512;
    static final int PER_RB = 8;
    static final long BLOCKS = 256;

    @TempDir
    Path dir;
    private ExecutorService executor;
    private final FakePlacement placement = new FakePlacement();
    private final Map<Integer, ReplicaService> reachable = new ConcurrentHashMap<>();
    private final Map<Integer, ReplicaHost> hosts = new ConcurrentHashMap<>();
    private final Map<Integer, SubUnitStore> stores = new ConcurrentHashMap<>();
    private final BlockBuffers buffers = new BlockBuffers(BS, 7);
    private Duration timeout = Duration.ofSeconds(30);

    private final Peers peers = n -> {
        ReplicaService s = reachable.get(n);
        if (s == null) {
            throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "node " + n + " is down");
        }
        return s;
    };
    private final SubUnitGeometry geometry = new SubUnitGeometry() {
        @Override
        public long blockCount(SubUnitId id) {
            return BLOCKS;
        }

        @Override
        public int blockSize(SubUnitId id) {
            return BS;
        }
    };

    @BeforeEach
    void start() throws Exception {
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() throws Exception {
        for (SubUnitStore s : stores.values()) {
            s.close();
        }
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        buffers.assertAllReleased();
    }

    private ReplicaHost node(int id) throws Exception {
        return node(id, Disk.local());
    }

    private ReplicaHost node(int id, Disk disk) throws Exception {
        SubUnitStore store = SubUnitStore.open(disk, dir.resolve("n" + id), id, executor, executor, PER_RB * BS,
                OpLogSettings.DEFAULT);
        stores.put(id, store);
        ReplicaHost host = new ReplicaHost(id, store, geometry, placement, peers, timeout, r -> { });
        hosts.put(id, host);
        reachable.put(id, host);
        return host;
    }

    /** Nodes 1 and 2, both in sync, node 1 primary at epoch 1. */
    private ReplicaHost pair() throws Exception {
        ReplicaHost primary = node(1);
        node(2);
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 1, List.of(1, 2)));
        return primary;
    }

    private ByteBuf in(byte[] bytes) {
        return buffers.in(bytes);
    }

    private byte[] randomBlocks(int blocks) {
        return buffers.randomBlocks(blocks);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static ReplicaException.Kind failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        return assertInstanceOf(ReplicaException.class, e.getCause()).kind();
    }

    /** The bytes of node {@code n}'s copy, read from its store directly (not through the fencing). */
    private byte[] copyOf(int n, long lba, int blocks) throws Exception {
        FileSubUnit unit = stores.get(n).open(ID.lunId(), ID.index(), BLOCKS, BS);
        ByteBuf b = get(unit.read(lba, blocks));
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private void assertIdentical(int a, int b) throws Exception {
        Verification va = get(hosts.get(a).verify(ID));
        Verification vb = get(hosts.get(b).verify(ID));
        assertArrayEquals(va.versions().epochs(), vb.versions().epochs());
        assertArrayEquals(va.versions().ids(), vb.versions().ids());
        assertArrayEquals(va.versions().mapped(), vb.versions().mapped());
        assertArrayEquals(va.contentDigests(), vb.contentDigests());
        assertArrayEquals(copyOf(a, 0, (int) BLOCKS), copyOf(b, 0, (int) BLOCKS));
    }

    @Test
    void replicatedWriteLandsOnBothWithIdenticalVersions() throws Exception {
        ReplicaHost primary = pair();
        byte[] data = randomBlocks(10);
        get(primary.write(ID, 1, 5, in(data), true));
        assertArrayEquals(data, copyOf(2, 5, 10));
        Verification v = get(hosts.get(2).verify(ID));
        assertEquals(new BlockVersion(0, 0), v.versions().version(2));
        assertEquals(1, v.versions().version(0).epoch());
        assertEquals(1, v.versions().version(0).id() >>> 48, "id drawn by the primary, node 1");
        assertEquals(v.versions().version(0), v.versions().version(1));
        assertTrue(v.versions().mapped()[1]);
        assertIdentical(1, 2);
        ByteBuf read = get(primary.read(ID, 1, 5, 10));
        try {
            assertArrayEquals(data, ByteBufUtil.getBytes(read));
        } finally {
            read.release();
        }
        // write same, unmap and flush travel the same way
        get(primary.writeSame(ID, 1, 64, 16, in(randomBlocks(1)), false, false));
        get(primary.unmap(ID, 1, 0, 16));
        get(primary.flush(ID, 1));
        assertIdentical(1, 2);
        assertFalse(get(hosts.get(2).verify(ID)).versions().mapped()[0]);
        assertEquals(List.of(), placement.changes);
    }

    @Test
    void concurrentWholeBlockWritesShipTheirOwnDataAndTheCopiesConverge() throws Exception {
        ReplicaHost primary = pair();
        // Aligned whole replication blocks (shipped as written) racing on the same blocks, and one
        // unaligned write among them (read back): afterwards both copies hold the same bytes and
        // versions, and the content is one of the writes' whole.
        List<byte[]> written = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] data = randomBlocks(3 * PER_RB);
            written.add(data);
            writes.add(primary.write(ID, 1, 2 * PER_RB, in(data), i % 7 == 0));
        }
        writes.add(primary.write(ID, 1, 2 * PER_RB + 3, in(randomBlocks(2)), false));
        byte[] tail = randomBlocks(PER_RB);
        writes.add(primary.write(ID, 1, BLOCKS - PER_RB, in(tail), false)); // ends at the sub-unit's end
        for (CompletableFuture<Void> w : writes) {
            get(w);
        }
        assertIdentical(1, 2);
        assertArrayEquals(tail, copyOf(2, (int) BLOCKS - PER_RB, PER_RB));
        byte[] first = copyOf(1, 3 * PER_RB, 2 * PER_RB); // replication blocks 3-4: untouched by the unaligned write
        assertTrue(written.stream().anyMatch(d -> Arrays.equals(Arrays.copyOfRange(d, PER_RB * BS, 3 * PER_RB * BS), first)),
                "replication blocks 3-4 hold one write's data");
    }

    @Test
    void aFuaWriteAndAFlushCompleteOnlyOnceThePrimarysOwnCopyIsDurable() throws Exception {
        CountingDisk disk = new CountingDisk(Disk.local(), ""); // every file's forces
        ReplicaHost primary = node(1, disk);
        node(2);
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 1, List.of(1, 2)));
        int before = disk.forces();
        get(primary.write(ID, 1, 0, in(randomBlocks(8)), true));
        assertTrue(disk.forces() > before, "the primary forced its log or files before the FUA write completed");
        disk.failForces(); // the primary's disk can no longer make anything durable
        assertEquals(ReplicaException.Kind.MEDIUM_ERROR, failure(primary.write(ID, 1, 8, in(randomBlocks(8)), true)),
                "a FUA write the primary could not make durable fails, although the replica has it");
        assertEquals(ReplicaException.Kind.MEDIUM_ERROR, failure(primary.flush(ID, 1)));
        SubUnitStore failed = stores.remove(1);
        assertThrows(IOException.class, failed::close, "closing cannot make the copy durable either");
    }

    @Test
    void aFlushReachesTheReplicasOnlyIfAChangeWithoutFuaWasShippedSinceTheLastOne() throws Exception {
        ReplicaHost primary = pair();
        AtomicInteger replicaFlushes = new AtomicInteger();
        LinkedBlockingQueue<CompletableFuture<Void>> heldFlushes = new LinkedBlockingQueue<>();
        AtomicInteger holding = new AtomicInteger();
        reachable.put(2, new ForwardingService(hosts.get(2)) {
            @Override
            public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                                     BlockVersion version, boolean fua) {
                CompletableFuture<Void> f = super.replicate(id, epoch, first, count, data, version, fua);
                if (count != 0) {
                    return f;
                }
                replicaFlushes.incrementAndGet();
                if (holding.get() == 0) {
                    return f;
                }
                CompletableFuture<Void> held = new CompletableFuture<>();
                heldFlushes.add(held);
                return f.thenCompose(v -> held);
            }
        });
        get(primary.flush(ID, 1));
        assertEquals(1, replicaFlushes.get(), "the first flush at an epoch always reaches the replicas");
        get(primary.flush(ID, 1));
        assertEquals(1, replicaFlushes.get(), "nothing shipped since: no round trip");
        get(primary.write(ID, 1, 0, in(randomBlocks(8)), true));
        get(primary.flush(ID, 1));
        assertEquals(1, replicaFlushes.get(), "a FUA write is durable at the replica already");
        get(primary.write(ID, 1, 8, in(randomBlocks(8)), false));
        get(primary.flush(ID, 1));
        assertEquals(2, replicaFlushes.get(), "a write without FUA makes the next flush reach the replica");

        // a write that completes while a flush is at the replica is covered by the next flush
        get(primary.write(ID, 1, 16, in(randomBlocks(8)), false));
        holding.set(1);
        CompletableFuture<Void> flush = primary.flush(ID, 1);
        CompletableFuture<Void> atReplica = heldFlushes.poll(30, TimeUnit.SECONDS);
        assertTrue(atReplica != null, "the flush reached the replica");
        holding.set(0);
        get(primary.write(ID, 1, 24, in(randomBlocks(8)), false));
        atReplica.complete(null);
        get(flush);
        assertEquals(3, replicaFlushes.get());
        get(primary.flush(ID, 1));
        assertEquals(4, replicaFlushes.get(), "the write completed during the last flush is still owed one");

        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 2, List.of(1, 2)));
        get(primary.flush(ID, 2));
        assertEquals(5, replicaFlushes.get(), "a new epoch owes the replicas a flush");

        // a resync puts node 2 back in sync without a new epoch: the last flush did not wait for it
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 3, List.of(1)));
        get(primary.flush(ID, 3));
        assertEquals(6, replicaFlushes.get(), "sent to the resyncing replica too, waited for only by node 1");
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 3, List.of(1, 2)));
        get(primary.flush(ID, 3));
        assertEquals(7, replicaFlushes.get(), "a replica in sync that the last flush did not wait for is owed one");
        get(primary.flush(ID, 3));
        assertEquals(7, replicaFlushes.get());
        assertIdentical(1, 2);
    }

    @Test
    void writeIsAcknowledgedOnlyAfterTheInSyncReplicaHasIt() throws Exception {
        ReplicaHost primary = pair();
        LinkedBlockingQueue<CompletableFuture<Void>> held = new LinkedBlockingQueue<>();
        List<ByteBuf> heldData = new CopyOnWriteArrayList<>();
        reachable.put(2, new ForwardingService(hosts.get(2)) {
            @Override
            public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                                     BlockVersion version, boolean fua) {
                heldData.add(data);
                CompletableFuture<Void> f = new CompletableFuture<>();
                held.add(f);
                return f;
            }
        });
        CompletableFuture<Void> write = primary.write(ID, 1, 0, in(randomBlocks(8)), false);
        CompletableFuture<Void> replicate = held.poll(30, TimeUnit.SECONDS);
        assertTrue(replicate != null, "the primary sent the block to the replica");
        assertFalse(write.isDone(), "no acknowledgement before the in-sync replica confirms");
        replicate.completeExceptionally(new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "node 2 lost"));
        get(write);
        assertEquals(List.of(1), placement.get(ID).inSync(), "acknowledged only after dropping node 2 from in-sync");
        assertEquals(List.of("drop 2"), placement.changes);
        heldData.forEach(ByteBuf::release);
    }

    @Test
    void replicaThatNeverAnswersIsDroppedAfterTheTimeout() throws Exception {
        timeout = Duration.ofMillis(200);
        ReplicaHost primary = pair();
        List<ByteBuf> heldData = new CopyOnWriteArrayList<>();
        reachable.put(2, new ForwardingService(hosts.get(2)) {
            @Override
            public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                                     BlockVersion version, boolean fua) {
                heldData.add(data);
                return new CompletableFuture<>();
            }
        });
        get(primary.write(ID, 1, 0, in(randomBlocks(8)), true));
        assertEquals(List.of(1), placement.get(ID).inSync());
        heldData.forEach(ByteBuf::release);
    }

    @Test
    void writeFailsWhenTheFailedReplicaCannotBeDropped() throws Exception {
        ReplicaHost primary = pair();
        reachable.remove(2);
        placement.unreachable = true;
        assertEquals(ReplicaException.Kind.UNAVAILABLE, failure(primary.write(ID, 1, 0, in(randomBlocks(1)), false)));
        assertEquals(List.of(1, 2), placement.get(ID).inSync(), "never acknowledged with fewer in-sync copies");
    }

    @Test
    void staleEpochIsRefusedAndNewerOneLearned() throws Exception {
        ReplicaHost primary = pair();
        get(primary.write(ID, 1, 0, in(randomBlocks(1)), false));
        // failover: node 2 becomes primary at epoch 2, node 1 is resynced later
        placement.put(ID, new ReplicaSet(List.of(1, 2), 2, 2, List.of(2)));
        ReplicaHost second = hosts.get(2);
        get(second.write(ID, 2, 8, in(randomBlocks(1)), false));
        assertEquals(ReplicaException.Kind.STALE_EPOCH, failure(primary.write(ID, 1, 0, in(randomBlocks(1)), false)));
        assertEquals(ReplicaException.Kind.STALE_EPOCH, failure(second.replicate(ID, 1, 0, 1, in(randomBlocks(PER_RB)),
                new BlockVersion(1, 999), false)));
        // a replica whose view still says epoch 1 learns epoch 3 from a request, then refuses 2
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 2, List.of(1, 2)));
        get(primary.replicate(ID, 3, 4, 1, in(randomBlocks(PER_RB)), new BlockVersion(3, 5), false));
        assertEquals(3, primary.knownEpoch(ID));
        assertEquals(ReplicaException.Kind.STALE_EPOCH, failure(primary.versions(ID, 2)));
    }

    @Test
    void onlyThePrimaryServesGatewaysAndOnlyHostsServePeers() throws Exception {
        pair();
        ReplicaHost replica = hosts.get(2);
        assertEquals(ReplicaException.Kind.NOT_PRIMARY, failure(replica.write(ID, 1, 0, in(randomBlocks(1)), false)));
        assertEquals(ReplicaException.Kind.NOT_PRIMARY, failure(replica.read(ID, 1, 0, 1)));
        ReplicaHost outsider = node(3);
        assertEquals(ReplicaException.Kind.NOT_HOSTED, failure(outsider.replicate(ID, 1, 0, 1,
                in(randomBlocks(PER_RB)), new BlockVersion(1, 1), false)));
        assertEquals(ReplicaException.Kind.NOT_HOSTED, failure(outsider.write(new SubUnitId("other", 1), 1, 0,
                in(randomBlocks(1)), false)));
        assertArrayEquals(new byte[BS], copyOf(2, 0, 1), "a refused write changes nothing");
    }

    @Test
    void replicateAppliesOnlyNewerVersionsSoAReorderedRepeatedStreamConverges() throws Exception {
        pair();
        ReplicaHost replica = hosts.get(2);
        List<byte[]> contents = new ArrayList<>();
        List<BlockVersion> versions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            contents.add(randomBlocks(2 * PER_RB));
            versions.add(new BlockVersion(1 + i / 3, (1L << 48) + 10 + i));
        }
        int[] order = {3, 0, 5, 5, 1, 4, 2, 0, 3};
        for (int i : order) {
            get(replica.replicate(ID, 1, 4, 2, in(contents.get(i)), versions.get(i), false));
        }
        assertArrayEquals(contents.get(5), copyOf(2, 4 * PER_RB, 2 * PER_RB));
        assertEquals(versions.get(5), get(replica.versions(ID, 2)).version(5));
        // a deallocation at an older version does not undo the newer data; a newer one does
        get(replica.replicate(ID, 2, 4, 2, null, versions.get(4), false));
        assertArrayEquals(contents.get(5), copyOf(2, 4 * PER_RB, 2 * PER_RB));
        BlockVersion newest = new BlockVersion(2, (1L << 48) + 100);
        get(replica.replicate(ID, 2, 4, 1, null, newest, true));
        assertArrayEquals(new byte[PER_RB * BS], copyOf(2, 4 * PER_RB, PER_RB));
        VersionSnapshot s = get(replica.versions(ID, 2));
        assertEquals(newest, s.version(4));
        assertFalse(s.mapped()[4]);
        assertTrue(s.mapped()[5]);
    }

    @Test
    void resyncCopiesExactlyTheBlocksWrittenWhileTheReplicaWasAway() throws Exception {
        ReplicaHost primary = pair();
        for (int rb = 0; rb < 12; rb++) {
            get(primary.write(ID, 1, rb * PER_RB, in(randomBlocks(PER_RB)), false));
        }
        assertIdentical(1, 2);
        reachable.remove(2); // node 2 goes away
        get(primary.write(ID, 1, 2 * PER_RB + 3, in(randomBlocks(2)), false)); // rb 2
        assertEquals(List.of(1), placement.get(ID).inSync());
        get(primary.write(ID, 1, 7 * PER_RB + 6, in(randomBlocks(4)), false)); // rb 7 and 8
        get(primary.write(ID, 1, 20 * PER_RB, in(randomBlocks(1)), false)); // rb 20
        get(primary.unmap(ID, 1, 2 * PER_RB, PER_RB)); // rb 2 again
        reachable.put(2, hosts.get(2)); // back
        List<ResyncReport> reports = get(primary.catchUp(ID));
        assertEquals(1, reports.size());
        ResyncReport r = reports.get(0);
        assertEquals(2, r.replica());
        assertEquals(32, r.blocksCompared());
        assertEquals(4, r.blocksCopied(), "rb 2, 7, 8 and 20 changed while node 2 was away");
        assertEquals(List.of(r), primary.resyncReports());
        assertEquals(List.of(1, 2), placement.get(ID).inSync());
        assertIdentical(1, 2);
        assertEquals(List.of(), get(primary.catchUp(ID)), "nothing to do once in sync");
    }

    @Test
    void aBlockAnEarlierPrimaryChangedWithoutAcknowledgementIsOverriddenByTheResync() throws Exception {
        ReplicaHost primary = pair();
        for (int rb = 0; rb < 8; rb++) {
            get(primary.write(ID, 1, rb * PER_RB, in(randomBlocks(PER_RB)), false));
        }
        // Node 2 was primary at epoch 2 for a moment and changed rb 5 and rb 9 (never written
        // before) without reaching node 1, which is primary again at epoch 3.
        FileSubUnit two = stores.get(2).open(ID.lunId(), ID.index(), BLOCKS, BS);
        get(two.write(5 * PER_RB, in(randomBlocks(PER_RB)), false, 2));
        get(two.write(9 * PER_RB, in(randomBlocks(PER_RB)), false, 2));
        placement.put(ID, new ReplicaSet(List.of(1, 2), 1, 3, List.of(1)));
        reachable.remove(2);
        get(primary.write(ID, 3, 0, in(randomBlocks(PER_RB)), false)); // rb 0, missed by node 2
        reachable.put(2, hosts.get(2));
        byte[] primaryRb5 = copyOf(1, 5 * PER_RB, PER_RB);
        List<ResyncReport> reports = get(primary.catchUp(ID));
        assertEquals(1, reports.size());
        assertEquals(3, reports.get(0).blocksCopied(), "rb 0 (missed) and rb 5 and 9 (divergent)");
        assertEquals(List.of(1, 2), placement.get(ID).inSync());
        assertIdentical(1, 2);
        assertArrayEquals(primaryRb5, copyOf(2, 5 * PER_RB, PER_RB), "the primary's content wins");
        assertFalse(get(hosts.get(2).verify(ID)).versions().mapped()[9], "never written at the primary");
        assertEquals(3, get(hosts.get(1).verify(ID)).versions().version(5).epoch(), "restamped at epoch 3");
    }

    @Test
    void aResyncThatFailedBecauseTheReplicaWasDownIsRetriedWhenItIsBack() throws Exception {
        ReplicaHost primary = pair();
        reachable.remove(2);
        get(primary.write(ID, 1, 0, in(randomBlocks(PER_RB)), false)); // node 2 dropped from in-sync
        assertEquals(List.of(1), placement.get(ID).inSync());
        // the placement still lists node 2: a resync attempt fails at once while it is down
        java.util.concurrent.ExecutionException down = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> primary.catchUp(ID).get(10, TimeUnit.SECONDS));
        assertTrue(down.getCause() instanceof ReplicaException, down.toString());
        reachable.put(2, hosts.get(2));
        List<ResyncReport> reports = get(primary.catchUp(ID));
        assertEquals(1, reports.size(), "the failed attempt is not handed back again");
        assertEquals(1, reports.get(0).blocksCopied());
        assertEquals(List.of(1, 2), placement.get(ID).inSync());
        assertIdentical(1, 2);
    }

    @Test
    void writesDuringResyncAreNotLost() throws Exception {
        ReplicaHost primary = pair();
        reachable.remove(2);
        for (int i = 0; i < 40; i++) {
            get(primary.write(ID, 1, (i * 13) % (BLOCKS - 4), in(randomBlocks(4)), false));
        }
        reachable.put(2, hosts.get(2));
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                work.add(writers.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        get(primary.write(ID, 1, (i * 7 + seed * 31) % (BLOCKS - 3), in(randomBlocks(3)), false));
                    }
                    return null;
                }));
            }
            List<ResyncReport> reports = get(primary.catchUp(ID));
            assertEquals(1, reports.size());
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        assertEquals(List.of(1, 2), placement.get(ID).inSync());
        assertIdentical(1, 2);
    }

    @Test
    void compareAndWriteIsAtomicAtThePrimaryAndReplicated() throws Exception {
        ReplicaHost primary = pair();
        int threads = 3;
        int increments = 40;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(callers.submit(() -> {
                    for (int done = 0; done < increments; ) {
                        ByteBuf r = get(primary.read(ID, 1, 0, 1));
                        byte[] current;
                        try {
                            current = ByteBufUtil.getBytes(r);
                        } finally {
                            r.release();
                        }
                        byte[] next = current.clone();
                        Unpooled.wrappedBuffer(next).setLong(0, Unpooled.wrappedBuffer(current).getLong(0) + 1);
                        if (get(primary.compareAndWrite(ID, 1, 0, in(current), in(next), false)) < 0) {
                            done++;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(threads * increments, Unpooled.wrappedBuffer(copyOf(2, 0, 1)).getLong(0));
        byte[] wrong = new byte[BS];
        assertEquals(7L, get(primary.compareAndWrite(ID, 1, 0, in(wrong), in(randomBlocks(1)), false)),
                "first mismatch: byte 7 holds the low byte of the counter");
        assertIdentical(1, 2);
    }

    @Test
    void verificationDiffersWhenCopiesDiffer() throws Exception {
        ReplicaHost primary = pair();
        get(primary.write(ID, 1, 0, in(randomBlocks(PER_RB)), false));
        // replica 2 gets a block the primary never wrote (an old primary's unacknowledged write)
        get(hosts.get(2).replicate(ID, 1, 9, 1, in(randomBlocks(PER_RB)), new BlockVersion(1, 77), false));
        Verification a = get(primary.verify(ID));
        Verification b = get(hosts.get(2).verify(ID));
        assertEquals(a.contentDigests()[0], b.contentDigests()[0]);
        assertFalse(Arrays.equals(a.contentDigests(), b.contentDigests()));
        assertEquals(0, a.contentDigests()[9], "deallocated blocks digest as 0");
    }
}
