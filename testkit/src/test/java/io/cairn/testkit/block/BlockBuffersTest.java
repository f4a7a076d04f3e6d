package io.cairn.testkit.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

class BlockBuffersTest {

    @Test
    void aBufferStillReferencedFailsTheCheck() {
        BlockBuffers buffers = new BlockBuffers(512, 1);
        ByteBuf kept = buffers.in(buffers.randomBlocks(1));
        buffers.inPieces(new byte[1024], 100, 600).release();
        assertThrows(AssertionError.class, buffers::assertAllReleased);
        kept.release();
        buffers.assertAllReleased();
    }

    @Test
    void piecesHoldTheBytesCutWhereAsked() {
        BlockBuffers buffers = new BlockBuffers(512, 1);
        byte[] data = buffers.randomBlocks(2);
        assertEquals(1024, data.length);
        ByteBuf pieces = buffers.inPieces(data, 100, 600);
        try {
            assertEquals(3, pieces.nioBufferCount());
            assertTrue(pieces.isDirect());
            assertArrayEquals(data, ByteBufUtil.getBytes(pieces));
        } finally {
            pieces.release();
        }
        buffers.assertAllReleased();
    }
}
