package io.cairn.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * The SCSI layer as a transport sees it. It never sees a PDU; the transport never parses a CDB.
 * Every method is safe to call from any thread and never blocks.
 */
public interface ScsiCore {

    /**
     * Runs one command through the pre-dispatch pipeline (LUN lookup, unit attention, ALUA state,
     * reservation conflict) and its handler. Takes ownership of {@code command.dataOut()}. Never
     * completes exceptionally: failures are CHECK CONDITION results.
     */
    CompletableFuture<ScsiResult> execute(ScsiCommand command);

    /**
     * Ends a command the transport could not deliver whole (e.g. its Data-Out was lost to a digest
     * or sequence error) with CHECK CONDITION and {@code reason}, in the logical unit's sense
     * format. Takes ownership of {@code command.dataOut()}; nothing is written.
     */
    CompletableFuture<ScsiResult> fail(ScsiCommand command, SenseReason reason);

    /** LUN numbers the target presents to this nexus, ascending (REPORT LUNS, SAM-5 4.6). */
    java.util.List<Long> luns(String targetName);

    /**
     * The SCSI side effects of a LOGICAL UNIT RESET (SAM-5 6.6, SPC-4 5.13.2): releases an SPC-2
     * reservation, raises BUS DEVICE RESET FUNCTION OCCURRED for the other nexuses. The transport
     * has already aborted the tasks. Completes when the effects are stored.
     */
    CompletableFuture<Void> logicalUnitReset(ItNexus nexus, String targetName, long lun);

    /** The SCSI side effects of a TARGET WARM/COLD RESET on every LUN of the target (SAM-5 6.7). */
    CompletableFuture<Void> targetReset(ItNexus nexus, String targetName, boolean cold);

    /**
     * A new I_T nexus came into being (iSCSI: a session logged in). It starts without a unit
     * attention; conditions left for an earlier nexus of the same name are dropped.
     */
    void nexusCreated(ItNexus nexus, String targetName);

    /**
     * An I_T nexus ended (session logged out, closed or failed): releases what SPC ties to the nexus
     * (an SPC-2 reservation, its unit attentions). Completes once every live gateway holds the
     * release, so an initiator told its logout is done finds the reservation gone on every path
     * (libiscsi Reserve6.Logout logs in again and reserves at once); exceptionally if ZooKeeper
     * could not be reached, and then the release may not have been written.
     */
    CompletableFuture<Void> nexusLost(ItNexus nexus, String targetName);
}
