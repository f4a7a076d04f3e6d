package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;
import io.cairn.scsi.ItNexus;

/**
 * Which commands a reservation lets through: SPC-4 5.14.2 Table 65 for persistent reservations,
 * SPC-2 5.5.1 for RESERVE(6/10) reservations, SPC-4 5.14.3 where the two meet. Also the holder and
 * registrant predicates the service actions share.
 */
final class ConflictTable {

    private ConflictTable() {}

    static boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
        return switch (cls) {
            case ALLOWED -> false;
            case SPC2_RESERVATION -> spc2CommandConflicts(ctx, nexus);
            case READ, WRITE -> spc2HeldByOther(ctx, nexus) || persistentConflict(ctx, nexus, cls);
        };
    }

    /**
     * SPC-4 5.14.3: with persistent reservation state present, RESERVE and RELEASE conflict, except
     * that a RELEASE from a holder, or from a registrant of a registrants only / all registrants
     * reservation, completes GOOD without releasing anything. That exception is RELEASE only, so
     * here it does not conflict and {@link PersistentReservations#reserve} refuses RESERVE itself.
     * Without persistent state the SPC-2 rules apply, decided by reserve/release: a RELEASE from a
     * non-holder is GOOD (SPC-2 7.24).
     */
    private static boolean spc2CommandConflicts(ScsiContext ctx, ItNexus nexus) {
        if (!hasPersistentState(ctx)) {
            return false;
        }
        return !releaseExempt(ctx, nexus);
    }

    /** SPC-4 5.14.3 a) and b): a RELEASE(6/10) that completes GOOD without releasing the persistent reservation. */
    static boolean releaseExempt(ScsiContext ctx, ItNexus nexus) {
        PrReservation res = ctx.reservation();
        if (res == null) {
            return false;
        }
        return isHolder(ctx, nexus) || (isRegistered(ctx, nexus) && typeOf(res).registrantsHaveAccess());
    }

    static boolean hasPersistentState(ScsiContext ctx) {
        return ctx.reservation() != null || !ctx.registrations().isEmpty();
    }

    /** SPC-2 5.5.1: a RESERVE(6/10) reservation lets only its holder's medium and state commands through. */
    private static boolean spc2HeldByOther(ScsiContext ctx, ItNexus nexus) {
        ScsiContext.Spc2Reservation holder = ctx.spc2Holder();
        return holder != null
                && !(holder.initiatorPort().equals(nexus.initiatorPort()) && holder.targetPort().equals(nexus.targetPort()));
    }

    /** SPC-4 5.14.2 Table 65. */
    private static boolean persistentConflict(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
        PrReservation res = ctx.reservation();
        if (res == null || isHolder(ctx, nexus)) {
            return false;
        }
        ReservationType type = typeOf(res);
        if (type.registrantsHaveAccess() && isRegistered(ctx, nexus)) {
            return false; // Table 65 "From registered I_T nexus (RR all types)": allowed
        }
        // Write Exclusive types let reads through; Exclusive Access types let nothing through
        return cls == ConflictClass.WRITE || type.exclusiveAccess();
    }

    static ReservationType typeOf(PrReservation res) {
        ReservationType t = ReservationType.of(res.type());
        // A stored type is always one RESERVE accepted; treat anything else as the strictest.
        return t == null ? ReservationType.EXCLUSIVE_ACCESS : t;
    }

    static PrRegistration registrationOf(ScsiContext ctx, ItNexus nexus) {
        return registrationOf(ctx, nexus.initiatorPort(), nexus.targetPort());
    }

    static PrRegistration registrationOf(ScsiContext ctx, String initiatorPort, String targetPort) {
        for (PrRegistration r : ctx.registrations()) {
            if (r.initiatorPort().equals(initiatorPort) && r.targetPort().equals(targetPort)) {
                return r;
            }
        }
        return null;
    }

    static boolean isRegistered(ScsiContext ctx, ItNexus nexus) {
        return registrationOf(ctx, nexus) != null;
    }

    /** SPC-4 5.14.10: the holder is the reserving I_T nexus, or every registrant for all registrants types. */
    static boolean isHolder(ScsiContext ctx, ItNexus nexus) {
        PrReservation res = ctx.reservation();
        if (res == null) {
            return false;
        }
        if (typeOf(res).allRegistrants()) {
            return isRegistered(ctx, nexus);
        }
        return res.initiatorPort().equals(nexus.initiatorPort()) && res.targetPort().equals(nexus.targetPort());
    }
}
