package io.cairn.scsi.dispatch;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.AluaState;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.handler.Outcome;
import io.cairn.scsi.mode.ModePages;
import io.cairn.scsi.pr.Reservations;

/**
 * The synchronous steps of the fixed pre-dispatch pipeline (tgt order: LUN lookup, unit attention,
 * ALUA state, reservation conflict), each a small named check that answers null to let the command
 * pass. The unit-attention step needs the store and lives in the core.
 */
public final class PreDispatch {

    private PreDispatch() {}

    /**
     * SPC-4 4.6.3 / SAM-5 5.9: without a logical unit only INQUIRY, REPORT LUNS and REQUEST SENSE work
     * ({@link CommandTrait#SERVED_WITHOUT_LOGICAL_UNIT}). {@code entry} is null for an unsupported command.
     */
    public static Outcome lunLookup(boolean unitPresent, OpcodeEntry entry) {
        if (unitPresent || (entry != null && entry.has(CommandTrait.SERVED_WITHOUT_LOGICAL_UNIT))) {
            return null;
        }
        return Outcome.check(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED);
    }

    /**
     * SAM-5 5.14: INQUIRY, REPORT LUNS and REQUEST SENSE do not report a pending unit attention
     * ({@link CommandTrait#IGNORES_UNIT_ATTENTION}). {@code entry} is null for an unsupported command.
     */
    public static boolean unitAttentionExempt(OpcodeEntry entry) {
        return entry != null && entry.has(CommandTrait.IGNORES_UNIT_ATTENTION);
    }

    /** SPC-4 5.11.2.4: commands not allowed in the port group's state end NOT READY with the state's reason. */
    public static Outcome alua(OpcodeEntry entry, AluaState state) {
        if (entry.alua().contains(state)) {
            return null;
        }
        SenseReason reason = switch (state) {
            case STANDBY -> SenseReason.LUN_NOT_ACCESSIBLE_TARGET_PORT_STANDBY;
            case TRANSITIONING -> SenseReason.LUN_NOT_READY_ASYMMETRIC_ACCESS_TRANSITION;
            default -> SenseReason.LUN_NOT_ACCESSIBLE_TARGET_PORT_UNAVAILABLE;
        };
        return Outcome.check(reason);
    }

    /** SPC-4 5.14.2 / SPC-2 5.5.1: a conflicting command ends with RESERVATION CONFLICT status. */
    public static Outcome reservation(Reservations rules, ScsiContext ctx, ItNexus nexus, OpcodeEntry entry) {
        if (ctx.spc2Holder() == null && ctx.reservation() == null) {
            return null; // nothing is reserved: nothing can conflict
        }
        return rules.conflicts(ctx, nexus, entry.conflict()) ? Outcome.status(ScsiResult.RESERVATION_CONFLICT) : null;
    }

    /** SPC-4 7.5.8 SWP: commands that write the medium end DATA PROTECT, WRITE PROTECTED. */
    public static Outcome writeProtect(OpcodeEntry entry, ScsiContext ctx) {
        return entry.writesMedium() && ModePages.softwareWriteProtect(ctx)
                ? Outcome.check(Sense.of(SenseReason.WRITE_PROTECTED)) : null;
    }
}
