package io.cairn.lun.lifecycle;

import io.cairn.coord.lun.Durability;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.lun.SitePolicy;
import io.cairn.lun.LunIdentity;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * What an operator asks for when creating a LUN, checked before anything is written. The defaults
 * of every way to create a LUN (`cairn run`'s first LUN, `cairn lun create`, the API) live here.
 *
 * @param id           the LUN id, also the last part of its target name: [a-z0-9][a-z0-9-]{0,62}
 * @param sizeBytes    capacity, a whole number of blocks
 * @param blockSize    logical block size, 512 or 4096
 * @param subUnitBytes size of one sub-unit, a whole number of blocks
 * @param copies       copies in the local site before a write is acknowledged (1 on a single node)
 * @param targetPrefix target IQN prefix; the LUN id follows
 * @param naaCompanyId IEEE company id (6 hex digits) in the LUN's NAA identifier
 * @param durability   when a write is acknowledged: write-back (the default) or durable
 * @param sites        the local site and the DR sites; {@link SitePolicy#UNRECORDED} leaves the
 *                     choice of site to the control plane, as before sites were recorded
 */
public record LunSpec(String id, long sizeBytes, int blockSize, long subUnitBytes, int copies, String targetPrefix,
                      String naaCompanyId, Durability durability, SitePolicy sites) {

    public static final int DEFAULT_BLOCK_SIZE = 512;
    public static final String DEFAULT_SUB_UNIT_SIZE = "64M";
    public static final long DEFAULT_SUB_UNIT_BYTES = 64L << 20;
    public static final int DEFAULT_COPIES = 2;
    public static final String DEFAULT_TARGET_PREFIX = "iqn.2026-11.io.cairn:";
    public static final String DEFAULT_NAA_COMPANY_ID = LunIdentity.DEFAULT_COMPANY_ID;
    /**
     * Write-back: durable on FUA and flush, as a disk with a volatile cache is. Durable costs, on
     * the single node (bench/bench.sh, README), about half the IOPS of 4 KiB writes at QD1.
     */
    public static final String DEFAULT_DURABILITY_NAME = "write-back";
    public static final Durability DEFAULT_DURABILITY = Durability.of(DEFAULT_DURABILITY_NAME);

    public LunSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(targetPrefix, "targetPrefix");
        Objects.requireNonNull(naaCompanyId, "naaCompanyId");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(sites, "sites");
        if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("LUN id must match [a-z0-9][a-z0-9-]{0,62}: '" + id + "'");
        }
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096, not " + blockSize);
        }
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of the block size (" + blockSize
                    + " bytes), not " + sizeBytes);
        }
        if (subUnitBytes <= 0 || subUnitBytes % blockSize != 0) {
            throw new IllegalArgumentException("sub-unit size must be a positive multiple of the block size ("
                    + blockSize + " bytes), not " + subUnitBytes);
        }
        if (sizeBytes / subUnitBytes >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many sub-units: size " + sizeBytes + " / sub-unit size " + subUnitBytes);
        }
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1, not " + copies);
        }
        if (!naaCompanyId.matches("[0-9a-f]{6}")) {
            throw new IllegalArgumentException("NAA company id must be 6 lower-case hex digits: '" + naaCompanyId + "'");
        }
    }

    /** A spec without a recorded site. */
    public LunSpec(String id, long sizeBytes, int blockSize, long subUnitBytes, int copies, String targetPrefix,
                   String naaCompanyId, Durability durability) {
        this(id, sizeBytes, blockSize, subUnitBytes, copies, targetPrefix, naaCompanyId, durability,
                SitePolicy.UNRECORDED);
    }

    /** A spec with the default durability. */
    public LunSpec(String id, long sizeBytes, int blockSize, long subUnitBytes, int copies, String targetPrefix,
                   String naaCompanyId) {
        this(id, sizeBytes, blockSize, subUnitBytes, copies, targetPrefix, naaCompanyId, DEFAULT_DURABILITY);
    }

    /** A spec with every default but id and size. */
    public static LunSpec of(String id, long sizeBytes) {
        return new LunSpec(id, sizeBytes, DEFAULT_BLOCK_SIZE, DEFAULT_SUB_UNIT_BYTES, DEFAULT_COPIES,
                DEFAULT_TARGET_PREFIX, DEFAULT_NAA_COMPANY_ID, DEFAULT_DURABILITY, SitePolicy.UNRECORDED);
    }

    public LunSpec withCopies(int value) {
        return new LunSpec(id, sizeBytes, blockSize, subUnitBytes, value, targetPrefix, naaCompanyId, durability, sites);
    }

    public LunSpec withDurability(Durability value) {
        return new LunSpec(id, sizeBytes, blockSize, subUnitBytes, copies, targetPrefix, naaCompanyId, value, sites);
    }

    public LunSpec withSites(SitePolicy value) {
        return new LunSpec(id, sizeBytes, blockSize, subUnitBytes, copies, targetPrefix, naaCompanyId, durability, value);
    }

    public String targetIqn() {
        return targetPrefix + id;
    }

    /** The catalog's definition: a new NAA identifier and serial (LunIdentity), created now. */
    LunDefinition define(SecureRandom random, long nowMillis) {
        String naa = new LunIdentity(naaCompanyId, random).newNaa();
        return new LunDefinition(id, targetIqn(), blockSize, sizeBytes / blockSize, subUnitBytes / blockSize, copies, naa,
                LunIdentity.serialFor(naa), nowMillis, durability, sites);
    }
}
