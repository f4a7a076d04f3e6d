package io.cairn.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects one write command's Data-Out (immediate data, unsolicited Data-Out, solicited Data-Out)
 * without copying: pieces are kept as retained slices and joined in offset order into one composite
 * buffer. Pieces smaller than {@link #SMALL} are copied into a shared buffer with their
 * predecessor instead, so tiny Data-Out PDUs cannot make the bookkeeping outweigh the data.
 * Rejects data beyond the expected transfer length and overlapping pieces (RFC 7143 11.7.5,
 * 11.7.6). Event-loop confined.
 */
public final class WriteAssembly implements AutoCloseable {

    /** Pieces below this size are copied and coalesced rather than kept as slices. */
    static final int SMALL = 4096;
    private static final int COALESCE_CAPACITY = 64 * 1024;

    private final int expectedLength;
    private final TreeMap<Integer, ByteBuf> pieces = new TreeMap<>();
    /** Buffers this assembly allocated for small pieces; they may still be appended to. */
    private final java.util.Set<ByteBuf> coalescing = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int received;

    public WriteAssembly(int expectedLength) {
        this.expectedLength = expectedLength;
    }

    /** Result of adding a piece. */
    public enum Added { OK, BEYOND_EXPECTED, OVERLAP }

    /** Adds data at {@code offset}. Takes ownership of {@code data} in every case. */
    public Added add(int offset, ByteBuf data) {
        int length = data.readableBytes();
        if (length == 0) {
            data.release();
            return Added.OK;
        }
        if (offset < 0 || (long) offset + length > expectedLength) {
            data.release();
            return Added.BEYOND_EXPECTED;
        }
        Map.Entry<Integer, ByteBuf> before = pieces.floorEntry(offset);
        Map.Entry<Integer, ByteBuf> after = pieces.ceilingEntry(offset);
        if ((before != null && before.getKey() + before.getValue().readableBytes() > offset)
                || (after != null && after.getKey() < offset + length)) {
            data.release();
            return Added.OVERLAP;
        }
        received += length;
        if (length < SMALL) {
            addSmall(offset, data, before);
            return Added.OK;
        }
        pieces.put(offset, data);
        return Added.OK;
    }

    /** Copies a small piece onto the end of the coalescing buffer just before it, or into a new one. Releases {@code data}. */
    private void addSmall(int offset, ByteBuf data, Map.Entry<Integer, ByteBuf> before) {
        try {
            if (before != null && coalescing.contains(before.getValue())
                    && before.getKey() + before.getValue().readableBytes() == offset
                    && before.getValue().writableBytes() >= data.readableBytes()) {
                before.getValue().writeBytes(data);
                return;
            }
            ByteBuf buf = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(
                    Math.max(COALESCE_CAPACITY, data.readableBytes()));
            buf.writeBytes(data);
            coalescing.add(buf);
            pieces.put(offset, buf);
        } finally {
            data.release();
        }
    }

    public int received() {
        return received;
    }

    public int expectedLength() {
        return expectedLength;
    }

    public boolean complete() {
        return received == expectedLength;
    }

    /**
     * Hands over everything received as one buffer in offset order (the caller owns it) and leaves
     * this assembly empty. Only gap-free data is returned: bytes after a gap are released.
     */
    public ByteBuf take(ByteBufAllocator alloc) {
        if (pieces.size() == 1 && pieces.firstKey() == 0) {
            ByteBuf only = pieces.pollFirstEntry().getValue();
            coalescing.clear();
            received = 0;
            return only;
        }
        CompositeByteBuf out = alloc.compositeDirectBuffer(Math.max(pieces.size(), 2));
        int next = 0;
        for (Map.Entry<Integer, ByteBuf> e : pieces.entrySet()) {
            if (e.getKey() == next) {
                out.addComponent(true, e.getValue());
                next += e.getValue().readableBytes();
            } else {
                e.getValue().release();
            }
        }
        pieces.clear();
        coalescing.clear();
        received = 0;
        return out;
    }

    @Override
    public void close() {
        pieces.values().forEach(ByteBuf::release);
        pieces.clear();
        coalescing.clear();
    }
}
