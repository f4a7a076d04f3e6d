package io.cairn.store.net;

import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaException.Kind;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A failed request (request id of the request) or a broken connection (request id 0). Fields: the
 * {@link Kind} as a wire code (fixed here, not the enum's ordinal, so reordering the enum cannot
 * change the protocol), the message.
 */
public record ErrorResponse(Kind kind, String message) implements Message {

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeByte(code(kind));
        BlockProtocol.writeString(out, message == null ? "" : message);
    }

    static ErrorResponse read(int flags, ByteBuf fields, ByteBuf data) {
        Kind kind = kind(fields.readUnsignedByte());
        return new ErrorResponse(kind, BlockProtocol.readString(fields));
    }

    /** The exception a caller sees. */
    public ReplicaException toException() {
        return new ReplicaException(kind, message);
    }

    /**
     * The error to send for a failed service future: a {@link ReplicaException} keeps its kind; an
     * argument the service refused is INVALID; anything else is the store's own failure (MEDIUM_ERROR).
     */
    public static ErrorResponse of(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ReplicaException r) {
            return new ErrorResponse(r.kind(), String.valueOf(r.getMessage()));
        }
        Kind kind = t instanceof IllegalArgumentException ? Kind.INVALID : Kind.MEDIUM_ERROR;
        return new ErrorResponse(kind, t.toString());
    }

    private static int code(Kind kind) {
        return switch (kind) {
            case STALE_EPOCH -> 1;
            case NOT_PRIMARY -> 2;
            case NOT_HOSTED -> 3;
            case UNAVAILABLE -> 4;
            case OUT_OF_SYNC -> 5;
            case INVALID -> 6;
            case MEDIUM_ERROR -> 7;
        };
    }

    private static Kind kind(int code) {
        return switch (code) {
            case 1 -> Kind.STALE_EPOCH;
            case 2 -> Kind.NOT_PRIMARY;
            case 3 -> Kind.NOT_HOSTED;
            case 4 -> Kind.UNAVAILABLE;
            case 5 -> Kind.OUT_OF_SYNC;
            case 6 -> Kind.INVALID;
            case 7 -> Kind.MEDIUM_ERROR;
            default -> throw new MalformedFrameException(0, "unknown error kind " + code);
        };
    }
}
