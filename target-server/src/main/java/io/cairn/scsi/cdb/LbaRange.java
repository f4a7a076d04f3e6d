package io.cairn.scsi.cdb;

/** SBC-4 4.5: the one range check for an extent of logical blocks, from a CDB or a parameter list (UNMAP). */
public final class LbaRange {

    private LbaRange() {}

    /** Whether any block from {@code lba} to {@code lba + blocks - 1} is at or past {@code capacity}; unsigned, overflow-safe. */
    public static boolean outside(long lba, long blocks, long capacity) {
        if (Long.compareUnsigned(lba, capacity) > 0) {
            return true;
        }
        return Long.compareUnsigned(blocks, capacity - lba) > 0;
    }
}
