package io.cairn.scsi;

import io.netty.buffer.ByteBuf;

/**
 * One SCSI command as a transport hands it to the SCSI core, with all its Data-Out collected.
 *
 * @param targetName                 the SCSI target (iSCSI target name) the nexus belongs to
 * @param lun                        the LUN number (SAM-5 4.6, single level)
 * @param cdb                        the CDB bytes as received (not copied again)
 * @param taskAttribute              SAM task attribute: 0 untagged, 1 simple, 2 ordered, 3 head of queue, 4 ACA
 * @param expectedDataTransferLength what the initiator expects to move, in bytes
 * @param dataOut                    the Data-Out bytes received (possibly fewer or more than the CDB asks
 *                                   for), or null; the core takes ownership
 */
public record ScsiCommand(
        ItNexus nexus,
        String targetName,
        long lun,
        byte[] cdb,
        int taskAttribute,
        int expectedDataTransferLength,
        ByteBuf dataOut) {}
