package io.cairn.lun.device;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.block.ThinProvisioning;
import io.cairn.coord.lun.Durability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One LUN made of sub-units: sub-unit {@code i} holds LUN blocks
 * {@code [i * subUnitBlocks, (i + 1) * subUnitBlocks)}, the last one possibly fewer.
 *
 * <p>Every request is split at sub-unit boundaries and completes as one command: it succeeds only
 * if every piece succeeds, otherwise it completes exceptionally with the first piece's failure
 * after every piece has finished (architecture.md "Consistency invariants": sub-units are invisible). A failed multi-piece write
 * may have changed some pieces, as a failed SCSI WRITE may.
 *
 * <p>COMPARE AND WRITE inside one sub-unit is atomic there. One spanning sub-units takes this
 * LUN's locks of those sub-units exclusive while every write takes them shared, so it is atomic
 * against all writes through this instance (SBC-4 5.3). Writes through another instance (another
 * gateway) are not covered by these locks.
 */
public final class SubUnitLun implements BlockDevice, ThinProvisioning {
    private final List<BlockDevice> subUnits;
    private final long subUnitBlocks;
    private final BlockGeometry geometry;
    private final SubUnitLocks locks;
    private final boolean writeCache;

    private record Piece(int index, long lba, long blocks, long offset) {}

    /** A write-back LUN. */
    public SubUnitLun(List<BlockDevice> subUnits, long subUnitBlocks) {
        this(subUnits, subUnitBlocks, Durability.WRITE_BACK);
    }

    /** @param durability the LUN's policy: a durable LUN reports no write cache ({@link #writeCache}) */
    public SubUnitLun(List<BlockDevice> subUnits, long subUnitBlocks, Durability durability) {
        this.writeCache = durability == Durability.WRITE_BACK;
        if (subUnits.isEmpty() || subUnitBlocks <= 0) {
            throw new IllegalArgumentException("a LUN needs at least one sub-unit of positive size");
        }
        this.subUnits = List.copyOf(subUnits);
        this.subUnitBlocks = subUnitBlocks;
        int blockSize = subUnits.get(0).blockSize();
        long total = 0;
        for (int i = 0; i < subUnits.size(); i++) {
            BlockDevice d = subUnits.get(i);
            boolean last = i == subUnits.size() - 1;
            if (d.blockSize() != blockSize
                    || (last ? d.blockCount() > subUnitBlocks || d.blockCount() <= 0 : d.blockCount() != subUnitBlocks)) {
                throw new IllegalArgumentException("sub-unit " + i + " does not fit: " + d.blockCount()
                        + " blocks of " + d.blockSize());
            }
            total += d.blockCount();
        }
        this.geometry = new BlockGeometry(blockSize, total);
        this.locks = new SubUnitLocks(subUnits.size());
    }

    @Override
    public boolean writeCache() {
        return writeCache;
    }

    @Override
    public BlockGeometry geometry() {
        return geometry;
    }

    /** The coarsest granule of the sub-units (1 if they do not say), as long as it divides sub-units. */
    @Override
    public int provisioningGranularityBlocks() {
        int g = 1;
        for (BlockDevice d : subUnits) {
            if (d instanceof ThinProvisioning t) {
                g = Math.max(g, t.provisioningGranularityBlocks());
            }
        }
        return g;
    }

    /** Returns a composite of the pieces' buffers, in order; the caller owns and releases it. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        List<Piece> pieces = split(lba, blocks);
        if (pieces.size() == 1) {
            Piece p = pieces.get(0);
            return subUnits.get(p.index()).read(p.lba(), blocks);
        }
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (Piece p : pieces) {
            reads.add(subUnits.get(p.index()).read(p.lba(), (int) p.blocks()));
        }
        return all(reads).thenApply(bufs -> {
            CompositeByteBuf out = ByteBufAllocator.DEFAULT.compositeBuffer(bufs.size());
            out.addComponents(true, bufs); // takes over each piece's reference
            return out;
        });
    }

    /** Takes ownership of {@code data}: each piece gets a retained slice and the original is released. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        List<Piece> pieces;
        List<ByteBuf> slices = new ArrayList<>();
        try {
            pieces = split(lba, geometry.blocksIn(data.readableBytes()));
            for (Piece p : pieces) {
                slices.add(data.retainedSlice(data.readerIndex() + (int) (p.offset() * geometry.blockSize()),
                        (int) (p.blocks() * geometry.blockSize())));
            }
        } catch (RuntimeException e) {
            slices.forEach(ByteBuf::release);
            return failed(e);
        } finally {
            data.release();
        }
        return underLocks(pieces, false, slices, () -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                Piece p = pieces.get(i);
                writes.add(subUnits.get(p.index()).write(p.lba(), slices.get(i), fua));
            }
            return all(writes).thenApply(r -> null);
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        List<CompletableFuture<Void>> flushes = new ArrayList<>();
        for (BlockDevice d : subUnits) {
            flushes.add(d.flush());
        }
        return all(flushes).thenApply(r -> null);
    }

    /** Takes ownership of {@code block}: each piece gets a retained duplicate, the original is released. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        List<Piece> pieces;
        List<ByteBuf> patterns = new ArrayList<>();
        try {
            pieces = split(lba, blocks);
            for (int i = 0; i < pieces.size(); i++) {
                patterns.add(block.retainedDuplicate());
            }
        } catch (RuntimeException e) {
            patterns.forEach(ByteBuf::release);
            return failed(e);
        } finally {
            block.release();
        }
        return underLocks(pieces, false, patterns, () -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                Piece p = pieces.get(i);
                writes.add(subUnits.get(p.index()).writeSame(p.lba(), p.blocks(), patterns.get(i), unmap, fua));
            }
            return all(writes).thenApply(r -> null);
        });
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        List<Piece> pieces;
        try {
            pieces = split(lba, blocks);
        } catch (RuntimeException e) {
            return failed(e);
        }
        return underLocks(pieces, false, List.of(), () -> {
            List<CompletableFuture<Void>> unmaps = new ArrayList<>();
            for (Piece p : pieces) {
                unmaps.add(subUnits.get(p.index()).unmap(p.lba(), p.blocks()));
            }
            return all(unmaps).thenApply(r -> null);
        });
    }

    /** Takes ownership of {@code verify} and {@code write}; both are released when it completes. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        List<Piece> pieces;
        try {
            if (verify.readableBytes() != write.readableBytes()) {
                throw new IllegalArgumentException("verify and write data differ in length");
            }
            pieces = split(lba, geometry.blocksIn(verify.readableBytes()));
        } catch (RuntimeException e) {
            verify.release();
            write.release();
            return failed(e);
        }
        if (pieces.size() == 1) { // atomic in the sub-unit; shared here against spanning ones
            Piece p = pieces.get(0);
            return underLocks(pieces, false, List.of(verify, write),
                    () -> subUnits.get(p.index()).compareAndWrite(p.lba(), verify, write, fua));
        }
        return underLocks(pieces, true, List.of(verify, write), () -> compareThenWrite(pieces, verify, write, fua));
    }

    /** Under exclusive locks: read every piece, compare, then write every piece. Owns both buffers. */
    private CompletableFuture<Long> compareThenWrite(List<Piece> pieces, ByteBuf verify, ByteBuf write, boolean fua) {
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (Piece p : pieces) {
            reads.add(subUnits.get(p.index()).read(p.lba(), (int) p.blocks()));
        }
        return all(reads).thenCompose(current -> {
            long mismatch = -1;
            try {
                long base = 0;
                for (ByteBuf piece : current) {
                    int n = piece.readableBytes();
                    for (int i = 0; i < n && mismatch < 0; i++) {
                        if (piece.getByte(piece.readerIndex() + i) != verify.getByte(verify.readerIndex() + (int) base + i)) {
                            mismatch = base + i; // SBC-4 5.3: offset of the first miscompare
                        }
                    }
                    base += n;
                }
            } finally {
                current.forEach(ByteBuf::release);
            }
            if (mismatch >= 0) {
                return CompletableFuture.completedFuture(mismatch);
            }
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (Piece p : pieces) {
                writes.add(subUnits.get(p.index()).write(p.lba(), write.retainedSlice(
                        write.readerIndex() + (int) (p.offset() * geometry.blockSize()),
                        (int) (p.blocks() * geometry.blockSize())), fua));
            }
            return all(writes).thenApply(r -> -1L);
        }).whenComplete((r, e) -> {
            verify.release();
            write.release();
        });
    }

    /**
     * Provisioning status from {@code lba}, continuing into following sub-units until
     * {@code maxExtents} extents are known; extents of equal status meeting at a boundary are merged.
     */
    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        if (maxExtents < 0 || !geometry.contains(lba, 0)) {
            return failed(new IllegalArgumentException("get lba status from " + lba + " for " + maxExtents
                    + " extents: outside " + geometry.blockCount() + " blocks"));
        }
        List<LbaExtent> out = new ArrayList<>();
        if (lba == geometry.blockCount() || maxExtents == 0) {
            return CompletableFuture.completedFuture(out);
        }
        return statusFrom((int) (lba / subUnitBlocks), lba % subUnitBlocks, maxExtents, out);
    }

    private CompletableFuture<List<LbaExtent>> statusFrom(int index, long localLba, int max, List<LbaExtent> out) {
        long base = index * subUnitBlocks;
        // one more than still wanted, to learn whether the last kept extent goes on
        int ask = Math.max(1, max - out.size() + 1);
        return subUnits.get(index).lbaStatus(localLba, ask).thenCompose(extents -> {
            for (LbaExtent e : extents) {
                LbaExtent shifted = new LbaExtent(base + e.lba(), e.blocks(), e.mapped());
                LbaExtent last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.mapped() == shifted.mapped() && last.lba() + last.blocks() == shifted.lba()) {
                    out.set(out.size() - 1, new LbaExtent(last.lba(), last.blocks() + shifted.blocks(), last.mapped()));
                } else {
                    out.add(shifted);
                }
            }
            if (out.size() > max || index + 1 == subUnits.size()) {
                return CompletableFuture.completedFuture(new ArrayList<>(out.subList(0, Math.min(max, out.size()))));
            }
            return statusFrom(index + 1, 0, max, out);
        });
    }

    // --- splitting, locking, joining ---

    private List<Piece> split(long lba, long blocks) {
        geometry.checkRange(lba, blocks);
        List<Piece> pieces = new ArrayList<>();
        if (blocks == 0) { // still one (empty) piece, so the sub-unit applies its own rules
            int index = (int) Math.min(lba / subUnitBlocks, subUnits.size() - 1);
            pieces.add(new Piece(index, lba - index * subUnitBlocks, 0, 0));
            return pieces;
        }
        for (long pos = lba, end = lba + blocks; pos < end; ) {
            int index = (int) (pos / subUnitBlocks);
            long local = pos - index * subUnitBlocks;
            long n = Math.min(end - pos, subUnits.get(index).blockCount() - local);
            pieces.add(new Piece(index, local, n, pos - lba));
            pos += n;
        }
        return pieces;
    }

    /**
     * Runs {@code action} holding the locks of the pieces' sub-units and releases them when its
     * future completes. {@code owned} are the request's buffers: released here only if
     * {@code action} could not be started (once started, it owns them).
     */
    private <T> CompletableFuture<T> underLocks(List<Piece> pieces, boolean exclusive, List<ByteBuf> owned,
                                                Supplier<CompletableFuture<T>> action) {
        int first = pieces.get(0).index();
        int last = pieces.get(pieces.size() - 1).index();
        return locks.acquire(first, last, exclusive).thenCompose(held -> {
            CompletableFuture<T> f;
            try {
                f = action.get();
            } catch (RuntimeException e) {
                owned.forEach(ReferenceCountUtil::safeRelease);
                f = failed(e);
            }
            return f.whenComplete((r, e) -> held.release());
        });
    }

    /**
     * Joins the pieces' futures: completes with their results in order once all have succeeded, or
     * exceptionally with the first failure once all have finished, releasing any buffers that
     * succeeded pieces returned.
     */
    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((v, e) -> {
            List<T> results = new ArrayList<>();
            Throwable failure = null;
            for (CompletableFuture<T> f : futures) {
                try {
                    results.add(f.join());
                } catch (CompletionException | java.util.concurrent.CancellationException ex) {
                    if (failure == null) {
                        failure = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    }
                }
            }
            if (failure != null) {
                results.forEach(ReferenceCountUtil::safeRelease);
                throw failure instanceof BlockDeviceException b ? b
                        : new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(failure.getMessage()), failure);
            }
            return results;
        });
    }

    private static <T> CompletableFuture<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t instanceof BlockDeviceException ? t
                : new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR, String.valueOf(t.getMessage()), t));
    }
}
