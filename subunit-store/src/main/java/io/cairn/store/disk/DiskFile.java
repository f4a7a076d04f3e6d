package io.cairn.store.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link Disk}: positional reads and writes (so many threads may share it),
 * and {@link #force}, the only thing that makes writes durable. Writes are in the page cache when
 * they return: they survive a crash of the process, not a power cut.
 */
public interface DiskFile extends Closeable {

    /** Reads into {@code dst} at {@code position}; -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes from {@code src} at {@code position}, extending the file if needed. */
    int write(ByteBuffer src, long position) throws IOException;

    long size() throws IOException;

    /** Cuts the file to {@code size} bytes (if longer). */
    void truncate(long size) throws IOException;

    /** Makes every write before it durable ({@code metadata}: the file's size and times too). */
    void force(boolean metadata) throws IOException;

    /**
     * Maps {@code size} bytes at {@code position} privately (copy on write): reads see the file,
     * writes into the buffer stay in this process's memory and never reach the file, so nothing
     * written there can reach the disk before its owner writes it out with {@link #write}.
     */
    ByteBuffer mapPrivate(long position, long size) throws IOException;

    boolean isOpen();

    /** Writes all of {@code src} at {@code position}; returns the position after it. */
    default long writeFully(ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += write(src, pos);
        }
        return pos;
    }

    /** Writes {@code length} zero bytes at {@code position}; returns the position after them. */
    default long writeZeros(long position, long length) throws IOException {
        long pos = position;
        for (long end = position + length; pos < end; ) {
            ByteBuffer z = ZERO_PAGES.duplicate();
            z.limit((int) Math.min(z.capacity(), end - pos));
            pos = writeFully(z, pos);
        }
        return pos;
    }

    /** 64 KiB of zeros, shared read-only by every {@link #writeZeros}. */
    ByteBuffer ZERO_PAGES = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    /** Reads exactly {@code length} bytes at {@code position}; fails at the end of the file. */
    default ByteBuffer readFully(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + b.position()));
            }
        }
        return b.flip();
    }
}
