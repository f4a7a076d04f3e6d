package io.cairn.store;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.LbaExtent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * A sub-unit held in a heap array, for tests of everything above the block device. Same semantics
 * as {@link FileSubUnit}: deallocation in whole granules, zeros on read (LBPRZ), every operation
 * atomic (one monitor), buffer ownership as {@link BlockDevice} documents. Nothing is durable.
 * Operations run on the given executor ({@code Runnable::run} completes them on the caller).
 */
public final class MemorySubUnit implements BlockDevice, ThinProvisioning {
    private final int blockSize;
    private final long blockCount;
    private final int granuleBlocks;
    private final Executor executor;
    private final byte[] data;
    private final boolean[] mapped;

    public MemorySubUnit(long blockCount, int blockSize, int granuleBlocks, Executor executor) {
        if (granuleBlocks < 1 || blockCount < 1) {
            throw new IllegalArgumentException("granule and block count must be positive");
        }
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.granuleBlocks = granuleBlocks;
        this.executor = executor;
        this.data = new byte[Math.toIntExact(blockCount * blockSize)];
        this.mapped = new boolean[Math.toIntExact((blockCount + granuleBlocks - 1) / granuleBlocks)];
    }

    /** A device whose operations complete on the caller's thread, with 1-block granules. */
    public MemorySubUnit(long blockCount, int blockSize) {
        this(blockCount, blockSize, 1, Runnable::run);
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public int provisioningGranularityBlocks() {
        return granuleBlocks;
    }

    /** Returns a heap copy that the caller owns and must release. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return submit(() -> {
            synchronized (this) {
                check(lba, blocks);
                return Unpooled.copiedBuffer(data, off(lba), blocks * blockSize);
            }
        });
    }

    /** Takes ownership of {@code buf}; released when the write completes or fails. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf buf, boolean fua) {
        return submit(() -> {
            try {
                synchronized (this) {
                    long blocks = blocksOf(buf);
                    check(lba, blocks);
                    put(lba, buf);
                }
                return null;
            } finally {
                buf.release();
            }
        }, buf);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return submit(() -> null);
    }

    /** Takes ownership of {@code block}; released when the command completes or fails. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        return submit(() -> {
            try {
                if (block.readableBytes() != blockSize) {
                    throw new IllegalArgumentException("write same pattern must be one block");
                }
                synchronized (this) {
                    check(lba, blocks);
                    if (unmap && isZero(block)) { // SBC-4 5.48
                        deallocate(lba, blocks);
                    } else {
                        for (long b = lba; b < lba + blocks; b++) {
                            put(b, block);
                        }
                    }
                }
                return null;
            } finally {
                block.release();
            }
        }, block);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return submit(() -> {
            synchronized (this) {
                check(lba, blocks);
                deallocate(lba, blocks);
            }
            return null;
        });
    }

    /** Takes ownership of {@code verify} and {@code write}; both released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        return submit(() -> {
            try {
                if (verify.readableBytes() != write.readableBytes()) {
                    throw new IllegalArgumentException("verify and write data differ in length");
                }
                synchronized (this) {
                    long blocks = blocksOf(verify);
                    check(lba, blocks);
                    int base = off(lba);
                    for (int i = 0; i < verify.readableBytes(); i++) {
                        if (data[base + i] != verify.getByte(verify.readerIndex() + i)) {
                            return (long) i; // SBC-4 5.3: MISCOMPARE, nothing written
                        }
                    }
                    put(lba, write);
                    return -1L;
                }
            } finally {
                verify.release();
                write.release();
            }
        }, verify, write);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        return submit(() -> {
            synchronized (this) {
                check(lba, 0);
                List<LbaExtent> extents = new ArrayList<>();
                long pos = lba;
                while (pos < blockCount && extents.size() < maxExtents) {
                    boolean m = mapped[granule(pos)];
                    long end = granuleEnd(granule(pos));
                    while (end < blockCount && mapped[granule(end)] == m) {
                        end = granuleEnd(granule(end));
                    }
                    extents.add(new LbaExtent(pos, end - pos, m));
                    pos = end;
                }
                return extents;
            }
        });
    }

    private void put(long lba, ByteBuf src) {
        int n = src.readableBytes();
        src.getBytes(src.readerIndex(), data, off(lba), n);
        if (n > 0) {
            long last = lba + n / blockSize - 1;
            for (int g = granule(lba); g <= granule(last); g++) {
                mapped[g] = true;
            }
        }
    }

    private void deallocate(long lba, long blocks) {
        Arrays.fill(data, off(lba), off(lba + blocks), (byte) 0); // LBPRZ: zeros from now on
        for (long pos = lba, end = lba + blocks; pos < end; ) {
            int g = granule(pos);
            long next = Math.min(end, granuleEnd(g));
            if (pos == (long) g * granuleBlocks && next == granuleEnd(g)) {
                mapped[g] = false;
            }
            pos = next;
        }
    }

    private int granule(long lba) {
        return (int) (lba / granuleBlocks);
    }

    private long granuleEnd(int g) {
        return Math.min(blockCount, (long) (g + 1) * granuleBlocks);
    }

    private int off(long lba) {
        return (int) (lba * blockSize);
    }

    private long blocksOf(ByteBuf buf) {
        if (buf.readableBytes() % blockSize != 0) {
            throw new IllegalArgumentException("data is not a whole number of blocks");
        }
        return buf.readableBytes() / blockSize;
    }

    private void check(long lba, long blocks) {
        if (lba < 0 || blocks < 0 || lba > blockCount || blocks > blockCount - lba) {
            throw new IllegalArgumentException("range " + lba + "+" + blocks + " outside " + blockCount + " blocks");
        }
    }

    private static boolean isZero(ByteBuf b) {
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            if (b.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private <T> CompletableFuture<T> submit(Supplier<T> task, Object... owned) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(task.get());
                } catch (BlockDeviceException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new BlockDeviceException(
                            BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(e.getMessage()), e));
                }
            });
        } catch (RejectedExecutionException e) {
            for (Object o : owned) {
                ReferenceCountUtil.safeRelease(o);
            }
            result.completeExceptionally(new BlockDeviceException(BlockDeviceException.Kind.UNAVAILABLE,
                    "executor refused the request", e));
        }
        return result;
    }
}
