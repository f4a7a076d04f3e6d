package io.cairn.store.net;

import io.netty.buffer.ByteBuf;

/** The blocks a read returned, zero-copy. Owns {@code data}; the client hands it to the caller. */
public record DataResponse(ByteBuf data) implements Message {

    @Override
    public MessageType type() {
        return MessageType.DATA;
    }

    @Override
    public void writeFields(ByteBuf out) {}

    @Override
    public ByteBuf payload() {
        return data;
    }

    static DataResponse read(int flags, ByteBuf fields, ByteBuf data) {
        return new DataResponse(data.retain());
    }
}
