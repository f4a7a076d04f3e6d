package io.cairn.store.net;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame that breaks the block protocol (bad magic, other version, oversized, inconsistent
 * fields). The connection cannot be trusted afterwards: the receiver answers with an error frame
 * if it can and closes.
 */
public final class MalformedFrameException extends CorruptedFrameException {
    private final long requestId;

    public MalformedFrameException(long requestId, String message) {
        super(message);
        this.requestId = requestId;
    }

    /** The request the frame claimed to belong to, or 0 when the header itself was not trustworthy. */
    public long requestId() {
        return requestId;
    }
}
