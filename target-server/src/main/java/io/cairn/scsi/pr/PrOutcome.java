package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.SenseReason;

/**
 * The result of applying a reservation command to a LUN's context.
 *
 * @param next         the new context to store (with any unit attentions it raises already queued), or null
 *                     if nothing changes
 * @param status       SAM status to return: GOOD, RESERVATION CONFLICT or CHECK CONDITION
 * @param sense        the reason when status is CHECK CONDITION, else null
 *
 * <p>PREEMPT AND ABORT's aborts travel in {@code next} ({@link ScsiContext#taskAborts}): every
 * gateway, this one included, aborts the preempted nexuses' tasks as it applies that version.
 */
public record PrOutcome(ScsiContext next, int status, SenseReason sense) {}
