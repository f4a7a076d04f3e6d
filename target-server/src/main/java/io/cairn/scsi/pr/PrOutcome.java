package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.SenseReason;
import java.util.Set;

/**
 * The result of applying a reservation command to a LUN's context.
 *
 * @param next         the new context to store (with any unit attentions it raises already queued), or null
 *                     if nothing changes
 * @param status       SAM status to return: GOOD, RESERVATION CONFLICT or CHECK CONDITION
 * @param sense        the reason when status is CHECK CONDITION, else null
 * @param abortNexuses I_T nexus keys whose tasks must be aborted before the command completes
 *                     (PREEMPT AND ABORT, SPC-4 5.14.11.2.3)
 */
public record PrOutcome(ScsiContext next, int status, SenseReason sense, Set<String> abortNexuses) {}
