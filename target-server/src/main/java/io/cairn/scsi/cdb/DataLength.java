package io.cairn.scsi.cdb;

import java.util.Set;

/**
 * How many bytes a CDB itself calls for in its data phase (what the transport compares with the
 * expected data transfer length), from its decoded fields.
 */
public enum DataLength {
    /** No data phase. */
    NONE,
    /** ALLOCATION LENGTH or PARAMETER LIST LENGTH bytes (SPC-4 4.2.5.6). */
    ALLOCATION_LENGTH,
    /** TRANSFER LENGTH logical blocks. */
    BLOCKS,
    /** VERIFY (SBC-4 5.30 Table 79): BYTCHK 00b none, 01b every block, 11b one block for them all. */
    BYTCHK,
    /** WRITE SAME (SBC-4 5.47/5.48): one logical block, none with NDOB. */
    ONE_BLOCK_UNLESS_NDOB,
    /** COMPARE AND WRITE (SBC-4 5.3): the verify blocks, then as many write blocks. */
    VERIFY_AND_WRITE_BLOCKS,
    /** READ CAPACITY(10) parameter data (SBC-4 5.20.2): eight bytes. */
    CAPACITY_10;

    long bytes(long blocks, int allocationLength, int bytchk, Set<CdbFlag> flags, int blockSize) {
        return switch (this) {
            case NONE -> 0;
            case ALLOCATION_LENGTH -> allocationLength;
            case BLOCKS -> blocks * blockSize;
            case BYTCHK -> bytchk == 0 ? 0 : bytchk == 1 ? blocks * blockSize : (blocks == 0 ? 0 : blockSize);
            case ONE_BLOCK_UNLESS_NDOB -> flags.contains(CdbFlag.NDOB) ? 0 : blockSize;
            case VERIFY_AND_WRITE_BLOCKS -> 2L * blocks * blockSize;
            case CAPACITY_10 -> 8;
        };
    }
}
