package io.cairn.block;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The only door from the SCSI layer to data: a linear array of fixed-size logical blocks.
 *
 * <p>Every method is asynchronous and never blocks the caller. Addresses and counts are in
 * logical blocks and are already range-checked by the caller (SBC-4 4.5: out-of-range requests
 * are rejected before they reach a device). Failures complete the future exceptionally with a
 * {@link BlockDeviceException}.
 *
 * <p>Buffer ownership: {@code read} returns a buffer the caller owns and must release.
 * Methods that take a {@code ByteBuf} take ownership of it and release it when they complete,
 * whether they succeed or fail.
 *
 * <p>Durability: a completed {@code write} with {@code fua} false is in the device's volatile cache
 * (it survives a crash of this process, not of the machine); with {@code fua} true, and every write
 * completed before a completed {@code flush}, it survives a crash of any one node.
 */
public interface BlockDevice {

    /** Block size and count, with the range checks against them. */
    BlockGeometry geometry();

    /** Logical block size in bytes: 512 or 4096. */
    default int blockSize() {
        return geometry().blockSize();
    }

    /** Number of logical blocks. */
    default long blockCount() {
        return geometry().blockCount();
    }

    /**
     * Whether a completed write without {@code fua} may still be only in a volatile cache: true for
     * a write-back LUN. False for a durable one: then the SCSI layer reports no write cache
     * (SBC-4 6.5.5 WCE=0) and asks for {@code fua} on every write, so every completed write is
     * durable.
     */
    default boolean writeCache() {
        return true;
    }

    /** Reads {@code blocks} blocks at {@code lba}; unwritten or unmapped blocks read as zeros. */
    CompletableFuture<ByteBuf> read(long lba, int blocks);

    /** Writes {@code data} (a whole number of blocks) at {@code lba}. Takes ownership of {@code data}. */
    CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua);

    /** Makes every completed write durable. */
    CompletableFuture<Void> flush();

    /**
     * Writes the one-block pattern {@code block} to {@code blocks} blocks at {@code lba}; with
     * {@code unmap} true the device may deallocate them instead if the pattern is all zeros.
     * Takes ownership of {@code block}.
     */
    CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua);

    /** Deallocates the blocks; they read as zeros afterwards (LBPRZ). */
    CompletableFuture<Void> unmap(long lba, long blocks);

    /**
     * Atomically compares {@code verify} with the blocks at {@code lba} and, only if equal,
     * writes {@code write} there. Atomic against every other write to the device.
     * Takes ownership of both buffers. Completes with -1 on success, else the byte offset of the
     * first mismatch.
     */
    CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua);

    /**
     * Provisioning status from {@code lba} on, as consecutive extents (at most {@code maxExtents}),
     * the first starting at {@code lba}.
     */
    CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents);
}
