package io.cairn.block;

/**
 * A block device that deallocates in whole granules. UNMAP or WRITE SAME with UNMAP deallocates
 * only granules the request covers entirely; the rest of the request is written with zeros and
 * stays mapped. The SCSI layer reports the granule as OPTIMAL UNMAP GRANULARITY (SBC-4 6.6.4).
 */
public interface ThinProvisioning {
    /** Deallocation granule in logical blocks (at least 1). */
    int provisioningGranularityBlocks();
}
