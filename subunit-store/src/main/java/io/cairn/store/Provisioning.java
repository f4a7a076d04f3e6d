package io.cairn.store;

import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin provisioning of one sub-unit: which granules are mapped, as its {@link VersionMap} records,
 * and what that means for the bytes of its {@link BlockFile}. A deallocated granule keeps stale
 * bytes in the file (Java cannot punch holes) but reads as zeros, because reads overlay zeros on
 * unmapped granules (LBPRZ=1, SBC-4 4.7.4.5). The first write that maps such a granule again but
 * covers it only partly writes zeros around its data first ({@link #zeroAround}).
 *
 * <p>The caller holds the stripe locks of the granules a method touches, except for
 * {@link #status}, which reads only the map; changes go through the caller's {@link Change}.
 */
final class Provisioning {
    private final BlockFile file;
    private final VersionMap map;
    private final Granules granules;
    private final int blockSize;

    Provisioning(BlockFile file, VersionMap map, Granules granules) {
        this.file = file;
        this.map = map;
        this.granules = granules;
        this.blockSize = file.geometry().blockSize();
    }

    /** Reads {@code count} blocks at {@code lba} into a pooled direct buffer that the caller owns. */
    ByteBuf read(long lba, int count) throws IOException {
        ByteBuf buf = file.read(lba, count);
        // LBPRZ: deallocated granules read as zeros whatever the file still holds
        for (long pos = lba, end = lba + count; pos < end; ) {
            long next = Math.min(end, granules.end(granules.of(pos)));
            if (!map.mapped(granules.of(pos))) {
                buf.setZero((int) ((pos - lba) * blockSize), (int) ((next - pos) * blockSize));
            }
            pos = next;
        }
        return buf;
    }

    /** Before data lands in an unmapped granule, zero the rest of it so it reads as zeros once mapped. */
    void zeroAround(Change change, long lba, long blocks) throws IOException {
        long end = lba + blocks;
        int g0 = granules.of(lba);
        int g1 = granules.of(end - 1);
        if (lba > granules.start(g0) && holdsStaleBytes(g0)) {
            change.writeZeros(granules.start(g0), lba - granules.start(g0));
        }
        if (end < granules.end(g1) && holdsStaleBytes(g1)) {
            change.writeZeros(end, granules.end(g1) - end);
        }
    }

    /**
     * Deallocates the granules {@code blocks} blocks at {@code lba} cover entirely and zeroes the
     * covered part of partly covered mapped ones, which stay mapped (the granule is the unit of
     * deallocation, see {@link io.cairn.block.ThinProvisioning}), recording {@code version} for
     * every granule that changed.
     */
    void deallocate(Change change, long lba, long blocks, BlockVersion version) throws IOException {
        long end = lba + blocks;
        int g0 = granules.of(lba);
        int g1 = granules.of(end - 1);
        int firstFull = lba == granules.start(g0) ? g0 : g0 + 1;
        int lastFull = end == granules.end(g1) ? g1 : g1 - 1;
        if (firstFull <= lastFull) {
            change.record(firstFull, lastFull, version, false);
        }
        if (firstFull != g0) {
            zeroPartial(change, g0, lba, Math.min(end, granules.end(g0)), version);
        }
        if (lastFull != g1 && (g1 != g0 || firstFull == g0)) {
            zeroPartial(change, g1, Math.max(lba, granules.start(g1)), end, version);
        }
    }

    /** Provisioning status from {@code lba} on, as at most {@code maxExtents} consecutive extents. */
    List<LbaExtent> status(long lba, int maxExtents) {
        long blockCount = granules.blockCount();
        List<LbaExtent> extents = new ArrayList<>();
        long pos = lba;
        while (pos < blockCount && extents.size() < maxExtents) {
            boolean mapped = map.mapped(granules.of(pos));
            long end = granules.end(granules.of(pos));
            while (end < blockCount && map.mapped(granules.of(end)) == mapped) {
                end = granules.end(granules.of(end));
            }
            extents.add(new LbaExtent(pos, end - pos, mapped));
            pos = end;
        }
        return extents;
    }

    private void zeroPartial(Change change, int g, long from, long to, BlockVersion version) throws IOException {
        if (map.mapped(g)) { // an unmapped granule reads as zeros already
            change.writeZeros(from, to - from);
            change.record(g, g, version, true);
        }
    }

    /**
     * A deallocated granule reads as zeros only through the read overlay; once a write maps it
     * again, the rest of it must really be zeros. A granule never written (version 0) is still a
     * hole in the sparse file and needs nothing, unless the map says holes may be stale: after a
     * crash, a lost write's data may be in the file without its entry.
     */
    private boolean holdsStaleBytes(int granule) {
        return !map.mapped(granule) && (map.staleHoles() || !map.version(granule).equals(BlockVersion.NONE));
    }
}
