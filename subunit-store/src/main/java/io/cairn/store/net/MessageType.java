package io.cairn.store.net;

import io.netty.buffer.ByteBuf;

/**
 * Every message of the block protocol: one request per {@link io.cairn.replica.ReplicaService}
 * method, the responses they complete with, and the error. The one table the decoder reads: a new
 * message is one record and one row here.
 */
public enum MessageType {
    READ(1, ReadRequest::read),
    WRITE(2, WriteRequest::read),
    WRITE_SAME(3, WriteSameRequest::read),
    UNMAP(4, UnmapRequest::read),
    FLUSH(5, FlushRequest::read),
    COMPARE_AND_WRITE(6, CompareAndWriteRequest::read),
    LBA_STATUS(7, LbaStatusRequest::read),
    REPLICATE(8, ReplicateRequest::read),
    VERSIONS(9, VersionsRequest::read),
    VERIFY(10, VerifyRequest::read),

    DONE(64, DoneResponse::read),
    DATA(65, DataResponse::read),
    MISMATCH(66, MismatchResponse::read),
    EXTENTS(67, ExtentsResponse::read),
    VERSION_SNAPSHOT(68, VersionsResponse::read),
    VERIFICATION(69, VerificationResponse::read),
    ERROR(127, ErrorResponse::read);

    /**
     * Decodes one message from its parts. Borrows {@code data}: a message that keeps it (block data,
     * zero-copy) retains it; the decoder releases its own reference afterwards. Throws
     * {@link MalformedFrameException} or an index exception on inconsistent parts.
     */
    @FunctionalInterface
    interface Reader {
        Message read(int flags, ByteBuf fields, ByteBuf data);
    }

    private static final MessageType[] BY_CODE = new MessageType[128];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Reader reader;

    MessageType(int code, Reader reader) {
        this.code = code;
        this.reader = reader;
    }

    public int code() {
        return code;
    }

    Reader reader() {
        return reader;
    }

    /** The type with this wire code, or null. */
    static MessageType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
