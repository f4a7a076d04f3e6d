package io.cairn.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockGeometryTest {
    private final BlockGeometry g = new BlockGeometry(512, 64);

    @Test
    void onlyTheTwoLogicalBlockSizesAndAPositiveCount() {
        assertEquals(64 * 512, g.bytes());
        assertEquals(4096L << 40, new BlockGeometry(4096, 1L << 40).bytes());
        assertThrows(IllegalArgumentException.class, () -> new BlockGeometry(1024, 64));
        assertThrows(IllegalArgumentException.class, () -> new BlockGeometry(512, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockGeometry(512, -1));
        assertThrows(IllegalArgumentException.class, () -> new BlockGeometry(4096, Long.MAX_VALUE / 2048));
    }

    @Test
    void rangesInsideTheDeviceIncludingEmptyOnesAtTheEnd() {
        assertTrue(g.contains(0, 64));
        assertTrue(g.contains(63, 1));
        assertTrue(g.contains(64, 0), "an empty range may start one past the last block");
        assertFalse(g.contains(63, 2));
        assertFalse(g.contains(64, 1));
        assertFalse(g.contains(65, 0));
        assertFalse(g.contains(-1, 1));
        assertFalse(g.contains(0, -1));
        g.checkRange(10, 54);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.checkRange(10, 55));
        assertTrue(e.getMessage().contains("10+55"), e.getMessage());
    }

    @Test
    void hostileNumbersDoNotOverflowIntoTheDevice() {
        assertFalse(g.contains(Long.MAX_VALUE, 2), "lba + blocks wraps negative");
        assertFalse(g.contains(2, Long.MAX_VALUE));
        assertFalse(g.contains(Long.MIN_VALUE, Long.MIN_VALUE));
        assertFalse(g.contains(1, Long.MAX_VALUE - 1));
    }

    @Test
    void dataMustBeWholeBlocks() {
        assertEquals(3, g.blocksIn(3 * 512));
        assertEquals(0, g.blocksIn(0));
        assertThrows(IllegalArgumentException.class, () -> g.blocksIn(100));
        assertThrows(IllegalArgumentException.class, () -> g.blocksIn(-512));
    }
}
