package io.cairn.store;

import io.cairn.block.BlockDevice;

class MemorySubUnitTest extends BlockDeviceContract {
    @Override
    protected BlockDevice newDevice(long blockCount) {
        return new MemorySubUnit(blockCount, BS, GRANULE, executor);
    }
}
