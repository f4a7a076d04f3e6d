package io.cairn.store.net;

import io.netty.buffer.ByteBuf;

/** A compare-and-write result: -1 on success, else the byte offset of the first mismatch. Fields: offset. */
public record MismatchResponse(long offset) implements Message {

    @Override
    public MessageType type() {
        return MessageType.MISMATCH;
    }

    @Override
    public void writeFields(ByteBuf out) {
        out.writeLong(offset);
    }

    static MismatchResponse read(int flags, ByteBuf fields, ByteBuf data) {
        return new MismatchResponse(fields.readLong());
    }
}
