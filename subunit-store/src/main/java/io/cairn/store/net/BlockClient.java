package io.cairn.store.net;

import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.VersionSnapshot;
import io.cairn.replica.Verification;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote node's {@link ReplicaService} over the block protocol; one per remote node.
 *
 * <p>One persistent connection, opened on the first call and again on the first call after it
 * was lost. Requests are pipelined with increasing request ids; responses may come in any order.
 * At most {@code maxInFlight} requests are on the wire: further calls wait in an unbounded queue
 * (an array slot each; callers bound their own concurrency, a gateway by its write budget), and
 * are sent as answers come back. Failures, all {@link io.cairn.replica.ReplicaException}
 * UNAVAILABLE: no answer within the request timeout (queue time included); the connection lost
 * (every request on it fails at once, since its fate is unknown to us); no connection possible
 * (every queued call fails). Nothing is retried here: a request may have been applied, and only the
 * caller knows whether repeating it is safe.
 *
 * <p>Buffers as {@link ReplicaService} says: buffers passed in are written as they are (ownership
 * passes to Netty, or they are released if the call fails before sending); buffers returned belong
 * to the caller. Every field is touched on one event loop; futures complete on it, so callers must
 * not block in their callbacks.
 */
public final class BlockClient implements ReplicaService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockClient.class);

    private final InetSocketAddress remote;
    private final BlockClientSettings settings;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final LongObjectMap<PendingCall<?>> pending = new LongObjectHashMap<>();
    private final ArrayDeque<PendingCall<?>> waiting = new ArrayDeque<>();
    private Channel channel;
    private boolean connecting;
    private boolean closed;
    private long lastRequestId;

    public BlockClient(BlockTransport transport, InetSocketAddress remote, BlockClientSettings settings) {
        this(transport, transport.group().next(), remote, settings);
    }

    /** A client whose connection lives on {@code loop}, one of {@link BlockTransport#lanes()}. */
    public BlockClient(BlockTransport transport, EventLoop loop, InetSocketAddress remote, BlockClientSettings settings) {
        this.remote = remote;
        this.settings = settings;
        this.loop = loop;
        FrameEncoder encoder = new FrameEncoder(settings.maxDataBytes());
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .remoteAddress(remote)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Requests sent while the loop handles other channels go out together (one writev
                        // per loop turn, not one per request).
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true),
                                new FrameDecoder(settings.maxDataBytes()), encoder, new ResponseHandler());
                    }
                });
    }

    public BlockClient(BlockTransport transport, InetSocketAddress remote) {
        this(transport, remote, BlockClientSettings.defaults());
    }

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return call(new ReadRequest(id, epoch, lba, blocks), MessageType.DATA, m -> ((DataResponse) m).data());
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        return call(new WriteRequest(id, epoch, lba, data, fua), MessageType.DONE, m -> null);
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        return call(new WriteSameRequest(id, epoch, lba, blocks, block, unmap, fua), MessageType.DONE, m -> null);
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return call(new UnmapRequest(id, epoch, lba, blocks), MessageType.DONE, m -> null);
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return call(new FlushRequest(id, epoch), MessageType.DONE, m -> null);
    }

    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        int verifyBytes = verify.readableBytes();
        // One data part, verify then write, composed without copying; releasing it releases both.
        ByteBuf data = Unpooled.wrappedBuffer(verify, write);
        return call(new CompareAndWriteRequest(id, epoch, lba, verifyBytes, data, fua), MessageType.MISMATCH,
                m -> ((MismatchResponse) m).offset());
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return call(new LbaStatusRequest(id, epoch, lba, maxExtents), MessageType.EXTENTS,
                m -> ((ExtentsResponse) m).extents());
    }

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        return call(new ReplicateRequest(id, epoch, first, count, data, version, fua), MessageType.DONE, m -> null);
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return call(new VersionsRequest(id, epoch), MessageType.VERSION_SNAPSHOT,
                m -> ((VersionsResponse) m).snapshot());
    }

    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return call(new VerifyRequest(id), MessageType.VERIFICATION, m -> ((VerificationResponse) m).verification());
    }

    /** Fails every call not yet answered with UNAVAILABLE, closes the connection; later calls fail at once. */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            shutDown();
        } else {
            try {
                loop.submit(this::shutDown).awaitUninterruptibly(5, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopped) {
                // The transport is gone, and with it the connection and every call queued on the loop.
            }
        }
    }

    @Override
    public String toString() {
        return "BlockClient[" + remote + "]";
    }

    private <T> CompletableFuture<T> call(Message request, MessageType expected, Function<Message, T> result) {
        PendingCall<T> call = new PendingCall<>(request, expected, result);
        ByteBuf payload = request.payload();
        if (payload != null && payload.readableBytes() > settings.maxDataBytes()) {
            call.fail(Kind.INVALID, request.type() + " of " + payload.readableBytes() + " bytes exceeds the "
                    + settings.maxDataBytes() + " byte frame limit");
            return call.future;
        }
        if (loop.inEventLoop()) {
            submit(call); // a caller on our own lane: no hand-off (BlockTransport "Lanes")
            return call.future;
        }
        try {
            loop.execute(() -> submit(call));
        } catch (RejectedExecutionException stopped) {
            call.fail(Kind.UNAVAILABLE, this + " is shut down");
        }
        return call.future;
    }

    private void submit(PendingCall<?> call) {
        if (closed) {
            call.fail(Kind.UNAVAILABLE, this + " is closed");
            return;
        }
        long timeoutNanos = settings.requestTimeout().toNanos();
        call.timeout = loop.schedule(() -> expire(call), timeoutNanos, TimeUnit.NANOSECONDS);
        waiting.add(call);
        if (channel == null) {
            connect();
        } else {
            sendWaiting();
        }
    }

    private void sendWaiting() {
        while (channel != null && pending.size() < settings.maxInFlight() && !waiting.isEmpty()) {
            PendingCall<?> call = waiting.poll();
            long id = ++lastRequestId;
            call.requestId = id;
            pending.put(id, call);
            call.markSent();
            channel.writeAndFlush(new Frame(id, call.request)).addListener(f -> {
                if (!f.isSuccess()) {
                    PendingCall<?> failed = pending.remove(id);
                    if (failed != null) {
                        failed.fail(Kind.UNAVAILABLE, "cannot send to " + remote + ": " + f.cause());
                    }
                }
            });
        }
    }

    private void connect() {
        if (connecting || closed) {
            return;
        }
        connecting = true;
        bootstrap.connect().addListener((ChannelFuture f) -> {
            connecting = false;
            if (!f.isSuccess()) {
                failAll(waiting, "cannot connect to " + remote + ": " + f.cause().getMessage());
            } else if (closed) {
                f.channel().close();
            } else if (!f.channel().isActive()) {
                failAll(waiting, "connection to " + remote + " closed as it opened");
            } else {
                channel = f.channel();
                sendWaiting();
            }
        });
    }

    private void expire(PendingCall<?> call) {
        boolean removed = call.requestId != 0 ? pending.remove(call.requestId) != null : waiting.remove(call);
        if (removed) {
            call.fail(Kind.UNAVAILABLE, "no answer from " + remote + " within " + settings.requestTimeout());
            sendWaiting();
        }
    }

    private void connectionLost(Channel lost, String reason) {
        if (channel != lost) {
            return;
        }
        channel = null;
        List<PendingCall<?>> calls = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingCall<?> call : calls) {
            call.fail(Kind.UNAVAILABLE, reason);
        }
        if (!waiting.isEmpty()) {
            connect(); // not sent yet, so safe to send on a new connection
        }
    }

    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        failAll(waiting, this + " closed");
        List<PendingCall<?>> calls = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingCall<?> call : calls) {
            call.fail(Kind.UNAVAILABLE, this + " closed");
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static void failAll(ArrayDeque<PendingCall<?>> calls, String reason) {
        PendingCall<?> call;
        while ((call = calls.poll()) != null) {
            call.fail(Kind.UNAVAILABLE, reason);
        }
    }

    /** Matches responses to calls by request id; runs on {@link #loop}. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter {

        /** Takes ownership of {@code msg}, a {@link Frame}; its payload goes to the caller or is released. */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            if (frame.requestId() == 0 && frame.message().type() == MessageType.ERROR) {
                // The server refused the connection itself (e.g. protocol version); it closes it next.
                log.warn("{} refused the connection: {}", remote, ((ErrorResponse) frame.message()).message());
                frame.release();
                connectionLost(ctx.channel(), remote + " refused the connection: "
                        + ((ErrorResponse) frame.message()).message());
                ctx.close();
                return;
            }
            PendingCall<?> call = pending.remove(frame.requestId());
            if (call == null) {
                frame.release(); // answered after its call timed out
                return;
            }
            call.complete(frame.message());
            sendWaiting();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connectionLost(ctx.channel(), "connection to " + remote + " lost");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                log.warn("{}: closing connection", remote, cause);
            }
            connectionLost(ctx.channel(), "connection to " + remote + " failed: " + cause.getMessage());
            ctx.close();
        }
    }
}
