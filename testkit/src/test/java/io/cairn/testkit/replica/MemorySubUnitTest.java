package io.cairn.testkit.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.block.BlockDevice;
import org.junit.jupiter.api.Test;

class MemorySubUnitTest extends SubUnitReplicaContract {
    @Override
    protected BlockDevice newDevice(long blockCount) {
        return new MemorySubUnit(blockCount, BS, GRANULE, executor);
    }

    @Test
    void countsWhatWasAskedToBeDurable() throws Exception {
        MemorySubUnit d = new MemorySubUnit(64, BS);
        byte[] a = randomBlocks(1);
        get(d.write(3, in(a), true));
        get(d.write(4, in(randomBlocks(1)), false));
        get(d.write(5, in(randomBlocks(1)), true, 7));
        get(d.writeSame(8, 2, in(randomBlocks(1)), false, true)); // not a WRITE
        get(d.flush());
        assertEquals(2, d.fuaWrites());
        assertEquals(1, d.flushes());
        assertArrayEquals(a, d.block(3));
    }
}
