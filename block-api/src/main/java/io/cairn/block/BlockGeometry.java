package io.cairn.block;

/**
 * The shape of a block device, {@code blockCount} logical blocks of {@code blockSize} bytes, and
 * the checks that a request fits it. Devices check every request against their geometry although
 * the SCSI layer already has (SBC-4 4.5): a device that split a request or received it over the
 * network must not trust the numbers it was given.
 *
 * <p>Ranges are checked without computing {@code lba + blocks}, which overflows for a hostile LBA
 * near {@code Long.MAX_VALUE}: {@code blocks <= blockCount - lba} once {@code lba <= blockCount}.
 */
public record BlockGeometry(int blockSize, long blockCount) {

    public BlockGeometry {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096: " + blockSize);
        }
        if (blockCount <= 0) {
            throw new IllegalArgumentException("block count must be positive: " + blockCount);
        }
        if (blockCount > Long.MAX_VALUE / blockSize) {
            throw new IllegalArgumentException(blockCount + " blocks of " + blockSize + " bytes overflow a byte count");
        }
    }

    /** Capacity in bytes. */
    public long bytes() {
        return blockCount * blockSize;
    }

    /**
     * Whether blocks {@code lba..lba+blocks-1} lie inside the device. An empty range may start at
     * {@code blockCount}, one past the last block.
     */
    public boolean contains(long lba, long blocks) {
        return lba >= 0 && blocks >= 0 && lba <= blockCount && blocks <= blockCount - lba;
    }

    /** As {@link #contains}, throwing {@link IllegalArgumentException} when the range does not fit. */
    public void checkRange(long lba, long blocks) {
        if (!contains(lba, blocks)) {
            throw new IllegalArgumentException("range " + lba + "+" + blocks + " outside " + blockCount + " blocks");
        }
    }

    /** The number of blocks in {@code bytes} of data; {@link IllegalArgumentException} unless whole. */
    public int blocksIn(int bytes) {
        if (bytes < 0 || bytes % blockSize != 0) {
            throw new IllegalArgumentException("data is not a whole number of blocks: " + bytes + " bytes");
        }
        return bytes / blockSize;
    }
}
