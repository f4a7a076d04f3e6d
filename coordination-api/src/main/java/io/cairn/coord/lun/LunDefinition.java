package io.cairn.coord.lun;

import java.util.Objects;

/**
 * A LUN as the catalog records it: identity, geometry and policy. Immutable; changes are new
 * versions written through {@link LunCatalog}.
 *
 * @param id          stable id, also the ZooKeeper node name: [a-z0-9-]{1,63}
 * @param targetIqn   the iSCSI target name that presents this LUN (as LUN 0)
 * @param blockSize   logical block size, 512 or 4096
 * @param blockCount  capacity in logical blocks
 * @param subUnitBlocks size of one sub-unit in logical blocks; the LBA range is cut into
 *                    ceil(blockCount / subUnitBlocks) sub-units
 * @param copies      copies in the local site before a write is acknowledged
 * @param naa         NAA-6 identifier, 32 hex digits (VPD 0x83); the same from every gateway
 * @param serial      unit serial number (VPD 0x80)
 * @param durability  when a write is acknowledged ({@link Durability})
 * @param sites       where the copies live: the local site, the DR sites ({@link SitePolicy})
 */
public record LunDefinition(
        String id,
        String targetIqn,
        int blockSize,
        long blockCount,
        long subUnitBlocks,
        int copies,
        String naa,
        String serial,
        long createdMillis,
        Durability durability,
        SitePolicy sites) {

    public LunDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(targetIqn, "targetIqn");
        if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("LUN id must match [a-z0-9][a-z0-9-]{0,62}: " + id);
        }
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096: " + blockSize);
        }
        if (blockCount <= 0) throw new IllegalArgumentException("block count must be positive");
        if (subUnitBlocks <= 0) throw new IllegalArgumentException("sub-unit size must be positive");
        if (copies < 1) throw new IllegalArgumentException("copies must be at least 1");
        if (naa == null || !naa.matches("6[0-9a-f]{31}")) {
            throw new IllegalArgumentException("naa must be 32 lower-case hex digits starting with 6");
        }
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(sites, "sites");
    }

    /** A LUN without a recorded site ({@link SitePolicy#UNRECORDED}): as catalog formats 1 and 2 stored them. */
    public LunDefinition(String id, String targetIqn, int blockSize, long blockCount, long subUnitBlocks, int copies,
                         String naa, String serial, long createdMillis, Durability durability) {
        this(id, targetIqn, blockSize, blockCount, subUnitBlocks, copies, naa, serial, createdMillis, durability,
                SitePolicy.UNRECORDED);
    }

    /** A write-back LUN (the default policy). */
    public LunDefinition(String id, String targetIqn, int blockSize, long blockCount, long subUnitBlocks, int copies,
                         String naa, String serial, long createdMillis) {
        this(id, targetIqn, blockSize, blockCount, subUnitBlocks, copies, naa, serial, createdMillis,
                Durability.WRITE_BACK);
    }

    public LunDefinition withSites(SitePolicy value) {
        return new LunDefinition(id, targetIqn, blockSize, blockCount, subUnitBlocks, copies, naa, serial,
                createdMillis, durability, value);
    }

    public long sizeBytes() {
        return blockCount * blockSize;
    }

    public int subUnitCount() {
        return (int) ((blockCount + subUnitBlocks - 1) / subUnitBlocks);
    }

    /** The LUN's first logical block in sub-unit {@code index}. */
    public long subUnitFirstBlock(int index) {
        checkSubUnit(index);
        return index * subUnitBlocks;
    }

    /** Logical blocks in sub-unit {@code index}: {@link #subUnitBlocks}, except a shorter last one. */
    public long subUnitBlockCount(int index) {
        return Math.min(subUnitBlocks, blockCount - subUnitFirstBlock(index));
    }

    private void checkSubUnit(int index) {
        if (index < 0 || index >= subUnitCount()) {
            throw new IndexOutOfBoundsException("LUN " + id + " has no sub-unit " + index + " (of " + subUnitCount() + ")");
        }
    }
}
