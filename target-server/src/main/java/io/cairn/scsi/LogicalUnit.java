package io.cairn.scsi;

import io.cairn.block.BlockDevice;

/**
 * A logical unit as the SCSI core serves it: identity (the same from every gateway) and the block
 * device behind it. Its SCSI context lives in the core's {@code ScsiContextStore} under {@code id}.
 *
 * @param id     the LUN's catalog id
 * @param naa    NAA-6 identifier, 32 hex digits (VPD 0x83)
 * @param serial unit serial number (VPD 0x80)
 */
public record LogicalUnit(String id, String naa, String serial, BlockDevice device) {}
