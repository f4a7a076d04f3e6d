package io.cairn.testkit.replica;

import io.cairn.replica.SubUnitGeometry;
import io.cairn.replica.SubUnitId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The copies of sub-units that one in-memory store node holds, or that several share as if
 * replication kept them equal (so what one primary wrote, the next one reads): a
 * {@link MemorySubUnit} per sub-unit, created empty at first use with the size the geometry gives.
 */
public final class MemorySubUnits {
    private final SubUnitGeometry geometry;
    private final int granuleBlocks;
    private final Executor executor;
    private final Map<SubUnitId, MemorySubUnit> copies = new ConcurrentHashMap<>();

    /** Copies sized by {@code geometry}, with {@code granuleBlocks}-block replication blocks, run on {@code executor}. */
    public MemorySubUnits(SubUnitGeometry geometry, int granuleBlocks, Executor executor) {
        this.geometry = geometry;
        this.granuleBlocks = granuleBlocks;
        this.executor = executor;
    }

    /** Every sub-unit {@code blockCount} blocks of {@code blockSize}, 1-block replication blocks, completing on the caller. */
    public MemorySubUnits(long blockCount, int blockSize) {
        this(new SubUnitGeometry() {
            @Override
            public long blockCount(SubUnitId id) {
                return blockCount;
            }

            @Override
            public int blockSize(SubUnitId id) {
                return blockSize;
            }
        }, 1, Runnable::run);
    }

    /** The copy of {@code id}, created empty if there is none yet. */
    public MemorySubUnit copy(SubUnitId id) {
        return copies.computeIfAbsent(id, k -> new MemorySubUnit(geometry.blockCount(k), geometry.blockSize(k),
                granuleBlocks, executor));
    }
}
