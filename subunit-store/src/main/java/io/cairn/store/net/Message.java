package io.cairn.store.net;

import io.netty.buffer.ByteBuf;

/**
 * One block-protocol message, request or response: a small record per {@link MessageType}. The
 * request id travels in the {@link Frame}, not in the message.
 */
public interface Message {

    MessageType type();

    /** Header flags ({@link BlockProtocol#FLAG_FUA} ...). */
    default int flags() {
        return 0;
    }

    /** Writes the small field part. */
    void writeFields(ByteBuf out);

    /** Writes a structured data part (arrays, extents) into the frame; block data goes in {@link #payload()}. */
    default void writeData(ByteBuf out) {}

    /**
     * Block data sent as is, never copied, or null. The message owns it: it passes to Netty when the
     * frame is written and to the service (or the caller) when a received message is handed on.
     */
    default ByteBuf payload() {
        return null;
    }
}
