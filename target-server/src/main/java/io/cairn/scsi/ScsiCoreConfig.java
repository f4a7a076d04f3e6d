package io.cairn.scsi;

/**
 * What the SCSI core reports about itself: INQUIRY identity (SPC-4 6.6.2), block limits (SBC-4 6.6.4)
 * and the target port groups with their ALUA states (SPC-4 5.16; one group, active/optimized, by default).
 *
 * @param maxTransferBlocks      MAXIMUM TRANSFER LENGTH for READ/WRITE/VERIFY, in blocks
 * @param optimalGranularity     OPTIMAL TRANSFER LENGTH GRANULARITY, in blocks
 * @param maxUnmapBlocks         MAXIMUM UNMAP LBA COUNT
 * @param maxUnmapDescriptors    MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
 * @param maxWriteSameBlocks     MAXIMUM WRITE SAME LENGTH
 * @param maxCompareAndWrite     MAXIMUM COMPARE AND WRITE LENGTH, in blocks (at most 255)
 * @param portGroups             every target port group and its asymmetric access state
 */
public record ScsiCoreConfig(
        String vendor,
        String product,
        String revision,
        int maxTransferBlocks,
        int optimalGranularity,
        int maxUnmapBlocks,
        int maxUnmapDescriptors,
        long maxWriteSameBlocks,
        int maxCompareAndWrite,
        PortGroups portGroups) {

    public static ScsiCoreConfig defaults() {
        return new ScsiCoreConfig("CAIRN", "DISTRIBUTED LUN", "0001", 8192, 8, 1 << 20, 256, 65535, 255,
                PortGroups.single(AluaState.ACTIVE_OPTIMIZED));
    }

    /** The same limits and identity, with the cluster's port groups. */
    public ScsiCoreConfig withPortGroups(PortGroups groups) {
        return new ScsiCoreConfig(vendor, product, revision, maxTransferBlocks, optimalGranularity, maxUnmapBlocks,
                maxUnmapDescriptors, maxWriteSameBlocks, maxCompareAndWrite, groups);
    }
}
