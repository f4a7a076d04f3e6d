package io.cairn.replica;

/** Size of each sub-unit (backed by the LUN catalog in the wiring). */
public interface SubUnitGeometry {
    /** Logical blocks in the sub-unit. */
    long blockCount(SubUnitId id);

    /** Logical block size of its LUN: 512 or 4096. */
    int blockSize(SubUnitId id);
}
