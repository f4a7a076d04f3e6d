package io.cairn.store.net;

import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * One client call from submission to answer. Owned by the client's event loop. Ownership of the
 * request's payload: the call holds it until {@link #markSent()}, after which it is Netty's.
 */
final class PendingCall<T> {
    final Message request;
    final CompletableFuture<T> future = new CompletableFuture<>();
    private final MessageType expected;
    private final Function<Message, T> result;
    long requestId;
    ScheduledFuture<?> timeout;
    private boolean sent;

    PendingCall(Message request, MessageType expected, Function<Message, T> result) {
        this.request = request;
        this.expected = expected;
        this.result = result;
    }

    void markSent() {
        sent = true;
    }

    /** Completes with a response message; takes ownership of its payload. */
    void complete(Message response) {
        cancelTimeout();
        if (response.type() == MessageType.ERROR) {
            future.completeExceptionally(((ErrorResponse) response).toException());
        } else if (response.type() != expected) {
            ReferenceCountUtil.release(response.payload());
            future.completeExceptionally(new ReplicaException(Kind.INVALID,
                    "expected " + expected + " for " + request.type() + ", got " + response.type()));
        } else {
            T value = result.apply(response);
            if (!future.complete(value)) {
                ReferenceCountUtil.release(value); // the caller gave up (cancelled): nobody else will
            }
        }
    }

    void fail(Kind kind, String message) {
        cancelTimeout();
        if (!sent) {
            sent = true; // released once
            ReferenceCountUtil.release(request.payload());
        }
        future.completeExceptionally(new ReplicaException(kind, message));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
