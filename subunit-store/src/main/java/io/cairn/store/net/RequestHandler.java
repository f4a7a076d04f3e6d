package io.cairn.store.net;

import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.ReplicaService;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server connection: calls the {@link ReplicaService} for each request frame and writes each
 * response when its future completes, on the channel's event loop, in completion order (request
 * ids match them up). At most {@code maxInFlight} requests run at once: at the bound the channel
 * stops reading, so a fast client is held back by TCP rather than by our memory; requests already
 * decoded from the last read wait in a queue bounded by that read. Every field is touched on the
 * event loop only.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private final ReplicaService service;
    private final int maxInFlight;
    private final ArrayDeque<Frame> held = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;

    RequestHandler(ReplicaService service, int maxInFlight) {
        this.service = service;
        this.maxInFlight = maxInFlight;
    }

    /** Takes ownership of {@code msg}, a {@link Frame} from the decoder. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        if (closed) {
            frame.release();
        } else if (!(frame.message() instanceof Request)) {
            frame.release();
            refuse(ctx, frame.requestId(), "a server takes requests, not " + frame.message().type());
        } else if (inFlight >= maxInFlight) {
            held.add(frame);
            ctx.channel().config().setAutoRead(false);
        } else {
            start(ctx, frame);
        }
    }

    private void start(ChannelHandlerContext ctx, Frame frame) {
        inFlight++;
        if (inFlight >= maxInFlight) {
            ctx.channel().config().setAutoRead(false);
        }
        long requestId = frame.requestId();
        CompletableFuture<Message> result;
        try {
            result = ((Request) frame.message()).invoke(service); // the payload is the service's now
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((response, failure) -> {
            if (ctx.executor().inEventLoop()) {
                finish(ctx, requestId, response, failure);
            } else {
                try {
                    ctx.executor().execute(() -> finish(ctx, requestId, response, failure));
                } catch (RejectedExecutionException stopped) {
                    release(response);
                }
            }
        });
    }

    private void finish(ChannelHandlerContext ctx, long requestId, Message response, Throwable failure) {
        inFlight--;
        Message answer = failure == null ? response : ErrorResponse.of(failure);
        if (closed) {
            release(answer);
        } else {
            ctx.writeAndFlush(new Frame(requestId, answer)).addListener(f -> {
                if (!f.isSuccess() && ctx.channel().isActive() && !(f.cause() instanceof IOException)) {
                    // Too large to send, or not encodable: the requester still deserves an answer.
                    ctx.writeAndFlush(new Frame(requestId, new ErrorResponse(Kind.INVALID,
                            "response not sendable: " + f.cause().getMessage())));
                }
            });
        }
        while (!closed && inFlight < maxInFlight && !held.isEmpty()) {
            start(ctx, held.poll());
        }
        if (!closed && inFlight < maxInFlight) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        Frame frame;
        while ((frame = held.poll()) != null) {
            frame.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MalformedFrameException m) {
            log.warn("{}: malformed frame, closing: {}", ctx.channel().remoteAddress(), m.getMessage());
            refuse(ctx, m.requestId(), m.getMessage());
        } else {
            if (!(cause instanceof IOException)) {
                log.warn("{}: closing after unexpected failure", ctx.channel().remoteAddress(), cause);
            }
            ctx.close();
        }
    }

    /** Answers with an error frame, then closes: after a protocol violation nothing on the stream is trusted. */
    private void refuse(ChannelHandlerContext ctx, long requestId, String reason) {
        closed = true;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new Frame(requestId, new ErrorResponse(Kind.INVALID, reason)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static void release(Message message) {
        if (message != null) {
            ReferenceCountUtil.release(message.payload());
        }
    }
}
