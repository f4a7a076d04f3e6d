package io.cairn.store.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;

/**
 * A message with its request id: what the codec reads and writes. Its reference count is the one
 * of the message's payload (a payload-less frame counts as always alive), so Netty releases block
 * data on every path a frame can take: written, dropped on a closed channel, refused by a stopped loop.
 */
public record Frame(long requestId, Message message) implements ReferenceCounted {

    private ByteBuf counted() {
        ByteBuf payload = message.payload();
        return payload == null ? Unpooled.EMPTY_BUFFER : payload;
    }

    @Override
    public int refCnt() {
        return counted().refCnt();
    }

    @Override
    public Frame retain() {
        counted().retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        counted().retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        counted().touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        counted().touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return counted().release();
    }

    @Override
    public boolean release(int decrement) {
        return counted().release(decrement);
    }
}
