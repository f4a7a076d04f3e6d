package io.cairn.testkit.replica;

import io.cairn.block.BlockDevice;

class MemorySubUnitTest extends SubUnitReplicaContract {
    @Override
    protected BlockDevice newDevice(long blockCount) {
        return new MemorySubUnit(blockCount, BS, GRANULE, executor);
    }
}
