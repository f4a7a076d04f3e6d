package io.cairn.store;

import io.cairn.block.BlockGeometry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.Closeable;
import java.io.IOException;
import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A sub-unit's blocks on disk: one sparse file of exactly {@code blockCount * blockSize} bytes,
 * block {@code lba} at byte {@code lba * blockSize}, nothing else in it (file {@code <index>.blocks}).
 * Never-written blocks are holes and read as zeros. Positional reads and writes only, so callers on
 * many threads share the channel; callers lock what must not interleave. Every range is checked
 * against the geometry.
 *
 * <p>Durability: a write is in the page cache when it returns (it survives a crash of the process);
 * {@link #force} makes every write before it durable.
 */
final class BlockFile implements Closeable {
    /** The page cache's unit: a write call should not end inside a page it does not also start in. */
    private static final int PAGE_BYTES = 4096;

    private final DiskFile channel;
    private final BlockGeometry geometry;

    private BlockFile(DiskFile channel, BlockGeometry geometry) {
        this.channel = channel;
        this.geometry = geometry;
    }

    /** Creates (or truncates and recreates) the file, all holes, and forces its size to disk. */
    static BlockFile create(Disk disk, Path path, BlockGeometry geometry) throws IOException {
        disk.delete(path);
        DiskFile ch = disk.createNew(path);
        try {
            ch.write(ByteBuffer.allocate(1), geometry.bytes() - 1); // sparse: only the last byte is allocated
            ch.force(true);
            return new BlockFile(ch, geometry);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Opens an existing file; fails if its size is not the geometry's. */
    static BlockFile open(Disk disk, Path path, BlockGeometry geometry) throws IOException {
        DiskFile ch = disk.open(path);
        try {
            if (ch.size() != geometry.bytes()) {
                throw new IOException("block file " + path + " has " + ch.size() + " bytes, expected " + geometry.bytes());
            }
            return new BlockFile(ch, geometry);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    BlockGeometry geometry() {
        return geometry;
    }

    /** Reads {@code blocks} blocks at {@code lba} into a pooled direct buffer that the caller owns. */
    ByteBuf read(long lba, int blocks) throws IOException {
        geometry.checkRange(lba, blocks);
        int len = Math.multiplyExact(blocks, geometry.blockSize());
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(len, len);
        boolean done = false;
        try {
            ByteBuffer nio = buf.nioBuffer(0, len);
            long base = lba * geometry.blockSize();
            while (nio.hasRemaining()) {
                if (channel.read(nio, base + nio.position()) < 0) {
                    throw new IOException("block file shorter than the sub-unit");
                }
            }
            buf.writerIndex(len);
            done = true;
            return buf;
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }

    /**
     * Writes {@code length} bytes of {@code buf} from {@code index} at {@code lba}; {@code buf} stays
     * the caller's (not released, indexes unchanged). Data received from the network arrives in
     * pieces that end wherever a socket read ended; a piece written by a call of its own that ends
     * inside a page covers part of that page, and a page not in the page cache must then be read
     * from disk before the call can return (on this event loop). So each page a piece ends inside is
     * written from a copy of its bytes (at most one page per piece); everything else is written from
     * the pieces as they are.
     */
    void write(long lba, ByteBuf buf, int index, int length) throws IOException {
        geometry.checkRange(lba, geometry.blocksIn(length));
        long start = lba * geometry.blockSize();
        ByteBuffer[] pieces = buf.nioBuffers(index, length);
        int written = 0;
        int cut = 0;
        ByteBuf page = null;
        try {
            for (int i = 0; i < pieces.length - 1; i++) {
                cut += pieces[i].remaining();
                long inPage = (start + cut) % PAGE_BYTES;
                // The page around the cut, clipped to this write; skipped if an earlier cut's copy covered it.
                int from = (int) Math.max(written, cut - inPage);
                int to = (int) Math.min(length, cut - inPage + PAGE_BYTES);
                if (inPage == 0 || to <= written) {
                    continue;
                }
                writePieces(start, buf, index, written, from); // no cut inside a page in between
                if (page == null) {
                    page = PooledByteBufAllocator.DEFAULT.directBuffer(PAGE_BYTES, PAGE_BYTES);
                }
                page.clear().writeBytes(buf, index + from, to - from);
                writeFully(page.nioBuffer(), start + from);
                written = to;
            }
            writePieces(start, buf, index, written, length);
        } finally {
            if (page != null) {
                page.release();
            }
        }
    }

    /** Writes zeros to {@code blocks} blocks at {@code lba}. */
    void writeZeros(long lba, long blocks) throws IOException {
        geometry.checkRange(lba, blocks);
        channel.writeZeros(lba * geometry.blockSize(), blocks * geometry.blockSize());
    }

    /** Makes every write so far durable (data only: the file's size never changes). */
    void force() throws IOException {
        channel.force(false);
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Writes bytes {@code from..to-1} of the data at {@code index} in {@code buf}, piece by piece. */
    private void writePieces(long start, ByteBuf buf, int index, int from, int to) throws IOException {
        if (from == to) {
            return;
        }
        long pos = start + from;
        for (ByteBuffer b : buf.nioBuffers(index + from, to - from)) {
            pos = writeFully(b, pos);
        }
    }

    private long writeFully(ByteBuffer b, long position) throws IOException {
        return channel.writeFully(b, position);
    }
}
