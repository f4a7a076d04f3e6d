package io.cairn.store;

/**
 * A sub-unit's replication blocks over its logical blocks: replication block {@code g} holds LBAs
 * {@code start(g)..end(g)-1}, {@code blocksPer} of them, the last one possibly fewer. The
 * replication block is also the deallocation granule (UNMAP deallocates whole ones, GET LBA STATUS
 * reports them) and what a stripe lock guards.
 */
record Granules(int blocksPer, long blockCount) {

    Granules {
        if (blocksPer <= 0 || blockCount <= 0) {
            throw new IllegalArgumentException("granules of " + blocksPer + " over " + blockCount + " blocks");
        }
    }

    /** Number of replication blocks. */
    long count() {
        return (blockCount + blocksPer - 1) / blocksPer;
    }

    /** The replication block holding {@code lba}. */
    int of(long lba) {
        return (int) (lba / blocksPer);
    }

    /** First LBA of replication block {@code g}. */
    long start(int g) {
        return (long) g * blocksPer;
    }

    /** One past the last LBA of replication block {@code g}. */
    long end(int g) {
        return Math.min(blockCount, (long) (g + 1) * blocksPer);
    }
}
