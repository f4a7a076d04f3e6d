package io.cairn.testkit.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Block data a test hands over to code that takes ownership of it (a device, a replica service),
 * in pooled direct buffers as the network delivers them; each is remembered, so that the test can
 * check at its end that every one was released. Thread-safe: concurrent writers hand buffers over.
 */
public final class BlockBuffers {
    private final int blockSize;
    private final Random random;
    private final List<ByteBuf> handedOver = Collections.synchronizedList(new ArrayList<>());

    /** Random data from {@code seed}, so that a failing run repeats. */
    public BlockBuffers(int blockSize, long seed) {
        this.blockSize = blockSize;
        this.random = new Random(seed);
    }

    /** A buffer holding {@code bytes}; ownership goes to whoever it is passed to. */
    public ByteBuf in(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        handedOver.add(b);
        return b;
    }

    /**
     * As {@link #in}, but in pieces cut at the given offsets, as a decoder cumulating socket reads
     * hands data over (a composite of direct buffers).
     */
    public ByteBuf inPieces(byte[] bytes, int... cuts) {
        CompositeByteBuf c = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(cuts.length + 1);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            c.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer(to - from).writeBytes(bytes, from, to - from));
            from = to;
        }
        handedOver.add(c);
        return c;
    }

    /** {@code blocks} blocks of random bytes. */
    public byte[] randomBlocks(int blocks) {
        byte[] b = new byte[blocks * blockSize];
        random.nextBytes(b);
        return b;
    }

    /** Fails unless every buffer handed over has been released. */
    public void assertAllReleased() {
        synchronized (handedOver) {
            for (ByteBuf b : handedOver) {
                assertEquals(0, b.refCnt(), "a buffer handed over was not released");
            }
        }
    }
}
