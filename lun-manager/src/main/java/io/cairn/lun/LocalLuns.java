package io.cairn.lun;

import io.cairn.block.BlockDevice;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.lun.device.SubUnitLun;
import io.cairn.store.SubUnitStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LUNs whose sub-units all live in this node's store (the single-node layout): each LUN's
 * block device is a {@link SubUnitLun} over one file-backed sub-unit per sub-unit index.
 * Thread-safe.
 */
public final class LocalLuns {

    private final SubUnitStore store;
    private final Map<String, SubUnitLun> open = new ConcurrentHashMap<>();

    public LocalLuns(SubUnitStore store) {
        this.store = store;
    }

    /** Opens (creating on first use) the LUN's sub-units and returns its device. Idempotent. */
    public synchronized BlockDevice open(LunDefinition lun) throws IOException {
        SubUnitLun existing = open.get(lun.id());
        if (existing != null) {
            return existing;
        }
        List<BlockDevice> subUnits = new ArrayList<>(lun.subUnitCount());
        for (int i = 0; i < lun.subUnitCount(); i++) {
            subUnits.add(store.open(lun.id(), i, lun.subUnitBlockCount(i), lun.blockSize()));
        }
        SubUnitLun device = new SubUnitLun(subUnits, lun.subUnitBlocks(), lun.durability());
        open.put(lun.id(), device);
        return device;
    }
}
