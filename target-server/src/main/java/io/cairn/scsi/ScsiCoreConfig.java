package io.cairn.scsi;

import java.util.function.IntFunction;

/**
 * What the SCSI core reports about itself: INQUIRY identity (SPC-4 6.6.2), block limits (SBC-4 6.6.4)
 * and the ALUA state of each target port group (SPC-4 5.11; every group active/optimized by default).
 *
 * @param maxTransferBlocks      MAXIMUM TRANSFER LENGTH for READ/WRITE/VERIFY, in blocks
 * @param optimalGranularity     OPTIMAL TRANSFER LENGTH GRANULARITY, in blocks
 * @param maxUnmapBlocks         MAXIMUM UNMAP LBA COUNT
 * @param maxUnmapDescriptors    MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
 * @param maxWriteSameBlocks     MAXIMUM WRITE SAME LENGTH
 * @param maxCompareAndWrite     MAXIMUM COMPARE AND WRITE LENGTH, in blocks (at most 255)
 * @param portGroupState         ALUA state of a target port group number
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
        IntFunction<AluaState> portGroupState) {

    public static ScsiCoreConfig defaults() {
        return new ScsiCoreConfig("CAIRN", "DISTRIBUTED LUN", "0001", 8192, 8, 1 << 20, 256, 65535, 255,
                tpg -> AluaState.ACTIVE_OPTIMIZED);
    }
}
