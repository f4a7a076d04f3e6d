package io.cairn.store.net;

import io.netty.buffer.ByteBuf;

/** Completes a request whose future carries nothing (write, writeSame, unmap, flush, replicate). */
public record DoneResponse() implements Message {
    public static final DoneResponse INSTANCE = new DoneResponse();

    @Override
    public MessageType type() {
        return MessageType.DONE;
    }

    @Override
    public void writeFields(ByteBuf out) {}

    static DoneResponse read(int flags, ByteBuf fields, ByteBuf data) {
        BlockProtocol.check(!data.isReadable(), "data on a done response");
        return INSTANCE;
    }
}
