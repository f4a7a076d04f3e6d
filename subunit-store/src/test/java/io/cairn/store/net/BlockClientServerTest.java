package io.cairn.store.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.cairn.testkit.replica.MemoryReplicaService;
import io.cairn.testkit.replica.MemorySubUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BlockClient against BlockServer over loopback TCP, the service an in-memory one. */
class BlockClientServerTest {
    private static final SubUnitId SUB = new SubUnitId("lun-1", 2);
    private static final int BLOCK = 512;
    private static final int BLOCKS = 64;

    private final BlockTransport transport = new BlockTransport(2);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DistinctAnswers service = new DistinctAnswers();

    /** What a replicate call carried. */
    record Replicated(SubUnitId id, int first, int count, String hexData, BlockVersion version, boolean fua) {}

    /**
     * The in-memory service with distinctive answers where the wire must carry every field as it
     * was: replicate records what arrived instead of applying it, versions and verify answer with
     * {@link FrameCodecTest#snapshot} (node 7, digests 11, -12, 13). The checks still apply.
     */
    private static final class DistinctAnswers extends MemoryReplicaService {
        private final List<Replicated> replicated = new ArrayList<>();

        DistinctAnswers() {
            super(7, new MemorySubUnits(BLOCKS, BLOCK));
            notHosting("absent");
        }

        synchronized List<Replicated> replicated() {
            return List.copyOf(replicated);
        }

        @Override
        public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                                 BlockVersion version, boolean fua) {
            return serve(Op.REPLICATE, id, epoch, () -> {
                try {
                    synchronized (this) {
                        replicated.add(new Replicated(id, first, count, data == null ? null : ByteBufUtil.hexDump(data),
                                version, fua));
                    }
                    return CompletableFuture.completedFuture(null);
                } finally {
                    ReferenceCountUtil.release(data);
                }
            }, data);
        }

        @Override
        public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
            return serve(Op.VERSIONS, id, epoch, () -> CompletableFuture.completedFuture(FrameCodecTest.snapshot()));
        }

        @Override
        public CompletableFuture<Verification> verify(SubUnitId id) {
            return serve(Op.VERIFY, id, -1, () -> CompletableFuture.completedFuture(
                    new Verification(7, FrameCodecTest.snapshot(), new long[] {11, -12, 13})));
        }
    }
    private BlockServer server;
    private InetSocketAddress address;

    private void startServer(int maxInFlight, InetSocketAddress at) {
        server = new BlockServer(service, transport, maxInFlight, BlockProtocol.DEFAULT_MAX_DATA_BYTES);
        address = server.bind(at);
    }

    private BlockClient client(BlockClientSettings settings) {
        BlockClient client = new BlockClient(transport, address, settings);
        toClose.add(client);
        return client;
    }

    @AfterEach
    void tearDown() throws Exception {
        service.hold(false);
        service.releaseHeldReversed();
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        transport.close();
    }

    private static ByteBuf filled(int blocks, int value) {
        ByteBuf b = Unpooled.buffer(blocks * BLOCK);
        for (int i = 0; i < blocks * BLOCK; i++) {
            b.writeByte(value);
        }
        return b;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static ReplicaException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ReplicaException.class, e.getCause());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void assertBlocks(ByteBuf data, int blocks, int value) {
        try {
            assertEquals(blocks * BLOCK, data.readableBytes());
            for (int i = 0; i < data.readableBytes(); i++) {
                assertEquals((byte) value, data.getByte(data.readerIndex() + i), "byte " + i);
            }
        } finally {
            data.release();
        }
    }

    @Test
    void everyMethodGetsTheServiceAnswer() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults());

        get(client.write(SUB, 1, 4, filled(2, 0x11), true));
        assertBlocks(get(client.read(SUB, 1, 4, 2)), 2, 0x11);

        get(client.writeSame(SUB, 1, 10, 3, filled(1, 0x22), false, false));
        assertBlocks(get(client.read(SUB, 1, 10, 3)), 3, 0x22);

        get(client.unmap(SUB, 1, 10, 3));
        assertBlocks(get(client.read(SUB, 1, 10, 3)), 3, 0);
        List<LbaExtent> extents = get(client.lbaStatus(SUB, 1, 0, 10));
        assertEquals(new LbaExtent(0, 4, false), extents.get(0));
        assertEquals(new LbaExtent(4, 2, true), extents.get(1));

        get(client.flush(SUB, 1));

        assertEquals(-1L, get(client.compareAndWrite(SUB, 1, 4, filled(1, 0x11), filled(1, 0x33), true)));
        assertBlocks(get(client.read(SUB, 1, 4, 1)), 1, 0x33);
        ByteBuf verify = filled(1, 0x33);
        verify.setByte(100, 0);
        assertEquals(100L, get(client.compareAndWrite(SUB, 1, 4, verify, filled(1, 0x44), false)));
        assertBlocks(get(client.read(SUB, 1, 4, 1)), 1, 0x33);

        ByteBuf replicationBlocks = filled(2, 0x55);
        String hex = ByteBufUtil.hexDump(replicationBlocks);
        get(client.replicate(SUB, 1, 6, 2, replicationBlocks, new BlockVersion(1, 42), true));
        get(client.replicate(SUB, 1, 8, 1, null, new BlockVersion(1, 43), false));
        assertEquals(List.of(new Replicated(SUB, 6, 2, hex, new BlockVersion(1, 42), true),
                new Replicated(SUB, 8, 1, null, new BlockVersion(1, 43), false)),
                service.replicated());

        FrameCodecTest.assertSameSnapshot(FrameCodecTest.snapshot(), get(client.versions(SUB, 1)));
        Verification v = get(client.verify(SUB));
        assertEquals(7, v.node());
        FrameCodecTest.assertSameSnapshot(FrameCodecTest.snapshot(), v.versions());
        assertArrayEquals(new long[] {11, -12, 13}, v.contentDigests());
    }

    @Test
    void refusalsArriveAsReplicaExceptionsOfTheirKind() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults());
        service.setEpoch(SUB, 5);

        ByteBuf data = filled(1, 1);
        ReplicaException stale = failure(client.write(SUB, 4, 0, data, false));
        assertEquals(Kind.STALE_EPOCH, stale.kind());
        assertTrue(stale.getMessage().contains("epoch 4 < 5"), stale.getMessage());
        assertEquals(0, data.refCnt(), "the caller's buffer went to the wire and was released");

        assertEquals(Kind.NOT_HOSTED, failure(client.read(new SubUnitId("absent", 0), 5, 0, 1)).kind());
        assertEquals(Kind.MEDIUM_ERROR, failure(client.read(SUB, 5, BLOCKS, 1)).kind(),
                "a device failure that is not a ReplicaException");
        get(client.flush(SUB, 5)); // the connection survived every refusal
    }

    @Test
    void pipelinedRequestsMatchTheirResponsesWhenAnsweredInReverse() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults().withMaxInFlight(50));
        for (int lba = 0; lba < BLOCKS; lba++) {
            get(client.write(SUB, 1, lba, filled(1, lba), false));
        }
        service.hold(true);
        // Four threads call at once; request ids, not arrival order, pair answers with calls.
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            reads.add(null);
        }
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            Thread caller = new Thread(() -> {
                for (int i = first; i < 200; i += 4) {
                    CompletableFuture<ByteBuf> read = client.read(SUB, 1, i % BLOCKS, 1);
                    synchronized (reads) {
                        reads.set(i, read);
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        for (Thread caller : callers) {
            caller.join(10_000);
        }
        // The client keeps 50 on the wire and queues the rest; each batch is answered last-first.
        awaitTrue(() -> service.heldCount() == 50, "the first 50 requests at the server");
        while (!reads.stream().allMatch(CompletableFuture::isDone)) {
            awaitTrue(() -> service.heldCount() > 0 || reads.stream().allMatch(CompletableFuture::isDone),
                    "more requests");
            assertTrue(service.heldCount() <= 50, "never more than the client bound in flight");
            service.releaseHeldReversed();
        }
        for (int i = 0; i < reads.size(); i++) {
            assertBlocks(get(reads.get(i)), 1, i % BLOCKS);
        }
    }

    @Test
    void serverRunsAtMostItsBoundPerConnection() throws Exception {
        startServer(4, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults());
        service.hold(true);
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flushes.add(client.flush(SUB, 1));
        }
        awaitTrue(() -> service.heldCount() == 4, "four requests running");
        while (!flushes.stream().allMatch(CompletableFuture::isDone)) {
            awaitTrue(() -> service.heldCount() > 0 || flushes.stream().allMatch(CompletableFuture::isDone),
                    "the next requests");
            int running = service.heldCount();
            assertTrue(running <= 4, running + " requests running at once");
            service.releaseHeldReversed();
        }
        for (CompletableFuture<Void> f : flushes) {
            assertNull(get(f));
        }
    }

    @Test
    void losingTheServerFailsPendingCallsAndTheClientReconnects() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults().withRequestTimeout(Duration.ofSeconds(60)));
        service.hold(true);
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reads.add(client.read(SUB, 1, i, 1));
        }
        awaitTrue(() -> service.heldCount() == 10, "requests at the server");
        server.close();
        for (CompletableFuture<ByteBuf> read : reads) {
            // Well before the 60 s request timeout: the connection loss itself fails them.
            ReplicaException e = failure(read);
            assertEquals(Kind.UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("lost"), e.getMessage());
        }
        assertEquals(Kind.UNAVAILABLE, failure(client.flush(SUB, 1)).kind(), "nobody listening");

        service.hold(false);
        service.releaseHeldReversed();
        service = new DistinctAnswers();
        startServer(256, address);
        get(client.write(SUB, 1, 0, filled(1, 9), false));
        assertBlocks(get(client.read(SUB, 1, 0, 1)), 1, 9);
    }

    @Test
    void unansweredRequestTimesOutAndItsLateAnswerIsDropped() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults().withRequestTimeout(Duration.ofMillis(300)));
        service.hold(true);
        ReplicaException e = failure(client.read(SUB, 1, 0, 1));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("no answer"), e.getMessage());

        service.hold(false);
        service.releaseHeldReversed(); // the late DATA response reaches the client and is released there
        assertBlocks(get(client.read(SUB, 1, 0, 1)), 1, 0);
    }

    @Test
    void closeFailsPendingAndLaterCalls() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(BlockClientSettings.defaults());
        service.hold(true);
        CompletableFuture<Void> pending = client.flush(SUB, 1);
        awaitTrue(() -> service.heldCount() == 1, "request at the server");
        client.close();
        assertEquals(Kind.UNAVAILABLE, failure(pending).kind());
        ByteBuf data = filled(1, 1);
        assertEquals(Kind.UNAVAILABLE, failure(client.write(SUB, 1, 0, data, false)).kind());
        assertEquals(0, data.refCnt(), "an unsent buffer is released");
    }

    @Test
    void oversizedWriteFailsWithoutTouchingTheConnection() throws Exception {
        startServer(256, new InetSocketAddress("127.0.0.1", 0));
        BlockClient client = client(new BlockClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(3), 16, 4096));
        ByteBuf big = filled(9, 1);
        assertEquals(Kind.INVALID, failure(client.write(SUB, 1, 0, big, false)).kind());
        assertEquals(0, big.refCnt());
        get(client.flush(SUB, 1));
    }
}
