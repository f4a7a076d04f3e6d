package io.cairn.testkit.block;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A heap {@link BlockDevice} for tests: completes every future at once. Tracks which blocks are mapped
 * (written) for GET LBA STATUS and counts flushes and FUA writes. Buffers: see {@link BlockDevice}.
 */
public final class MemoryBlockDevice implements BlockDevice {

    private final BlockGeometry geometry;
    private final int blockSize;
    private final long blockCount;
    private final byte[] data;
    private final BitSet mapped = new BitSet();
    public int flushes;
    public int fuaWrites;

    public MemoryBlockDevice(int blockSize, int blockCount) {
        this.geometry = new BlockGeometry(blockSize, blockCount);
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.data = new byte[blockSize * blockCount];
    }

    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    @Override
    public synchronized CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return CompletableFuture.completedFuture(Unpooled.copiedBuffer(data, (int) lba * blockSize, blocks * blockSize));
    }

    @Override
    public synchronized CompletableFuture<Void> write(long lba, ByteBuf buf, boolean fua) {
        try {
            int n = buf.readableBytes();
            buf.getBytes(buf.readerIndex(), data, (int) lba * blockSize, n);
            mapped.set((int) lba, (int) lba + n / blockSize);
            if (fua) {
                fuaWrites++;
            }
            return CompletableFuture.completedFuture(null);
        } finally {
            buf.release();
        }
    }

    @Override
    public synchronized CompletableFuture<Void> flush() {
        flushes++;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        try {
            byte[] pattern = new byte[blockSize];
            block.getBytes(block.readerIndex(), pattern);
            boolean zero = true;
            for (byte b : pattern) {
                zero &= b == 0;
            }
            if (unmap && zero) {
                return unmap(lba, blocks);
            }
            for (long i = lba; i < lba + blocks; i++) {
                System.arraycopy(pattern, 0, data, (int) i * blockSize, blockSize);
            }
            mapped.set((int) lba, (int) (lba + blocks));
            return CompletableFuture.completedFuture(null);
        } finally {
            block.release();
        }
    }

    @Override
    public synchronized CompletableFuture<Void> unmap(long lba, long blocks) {
        java.util.Arrays.fill(data, (int) lba * blockSize, (int) (lba + blocks) * blockSize, (byte) 0);
        mapped.clear((int) lba, (int) (lba + blocks));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        try {
            int at = (int) lba * blockSize;
            for (int i = 0; i < verify.readableBytes(); i++) {
                if (data[at + i] != verify.getByte(verify.readerIndex() + i)) {
                    return CompletableFuture.completedFuture((long) i);
                }
            }
            write.getBytes(write.readerIndex(), data, at, write.readableBytes());
            mapped.set((int) lba, (int) lba + write.readableBytes() / blockSize);
            return CompletableFuture.completedFuture(-1L);
        } finally {
            verify.release();
            write.release();
        }
    }

    @Override
    public synchronized CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        List<LbaExtent> out = new ArrayList<>();
        long at = lba;
        while (at < blockCount && out.size() < maxExtents) {
            boolean m = mapped.get((int) at);
            long end = m ? mapped.nextClearBit((int) at) : Math.min(mapped.nextSetBit((int) at) < 0 ? blockCount
                    : mapped.nextSetBit((int) at), blockCount);
            end = Math.min(end, blockCount);
            out.add(new LbaExtent(at, end - at, m));
            at = end;
        }
        return CompletableFuture.completedFuture(out);
    }

    /** Test access: a copy of the stored bytes of one block. */
    public synchronized byte[] block(long lba) {
        return java.util.Arrays.copyOfRange(data, (int) lba * blockSize, (int) (lba + 1) * blockSize);
    }
}
