package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.ItNexus;

/**
 * Persistent reservations and SPC-2 reservations as pure functions over a LUN's {@link ScsiContext}
 * (SPC-4 5.14, 6.15, 6.16; SPC-2 7.21, 7.24). No I/O: the caller stores {@link PrOutcome#next()}
 * by compare-and-set and re-applies on conflict.
 */
public final class PersistentReservations {

    private PersistentReservations() {}

    /** PERSISTENT RESERVE OUT (SPC-4 6.16). */
    public static PrOutcome out(ScsiContext ctx, ItNexus nexus, PrOutRequest request) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * PERSISTENT RESERVE IN (SPC-4 6.15): the full parameter data for {@code serviceAction}
     * (the caller truncates to the allocation length), or null for an unsupported service action
     * (the caller answers INVALID FIELD IN CDB).
     */
    public static byte[] in(ScsiContext ctx, int serviceAction) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether a command of class {@code cls} from {@code nexus} conflicts with the reservations held. */
    public static boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
        throw new UnsupportedOperationException("not yet");
    }

    /** RESERVE(6)/RESERVE(10) (SPC-2 7.21). */
    public static PrOutcome reserve(ScsiContext ctx, ItNexus nexus) {
        throw new UnsupportedOperationException("not yet");
    }

    /** RELEASE(6)/RELEASE(10) (SPC-2 7.24). */
    public static PrOutcome release(ScsiContext ctx, ItNexus nexus) {
        throw new UnsupportedOperationException("not yet");
    }

    /** What a LOGICAL UNIT RESET does to reservations (SPC-2 reservation released; PR kept). */
    public static ScsiContext onLogicalUnitReset(ScsiContext ctx, ItNexus nexus) {
        throw new UnsupportedOperationException("not yet");
    }

    /** What losing an I_T nexus does to reservations (SPC-2 reservation of that nexus released). */
    public static ScsiContext onNexusLoss(ScsiContext ctx, ItNexus nexus) {
        throw new UnsupportedOperationException("not yet");
    }

    /** At power on (first start of the LUN's gateways): registrations survive only with APTPL (SPC-4 5.14.5). */
    public static ScsiContext onPowerOn(ScsiContext ctx) {
        throw new UnsupportedOperationException("not yet");
    }
}
