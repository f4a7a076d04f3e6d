package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.Spc2Reservation;
import io.cairn.scsi.ItNexus;

/**
 * Persistent reservations and SPC-2 reservations as pure functions over a LUN's {@link ScsiContext}
 * (SPC-4 5.14, 6.15, 6.16; SPC-2 7.21, 7.24). No I/O: the caller stores {@link PrOutcome#next()}
 * by compare-and-set and re-applies on conflict.
 *
 * <p>Capabilities (REPORT CAPABILITIES): persist through power loss (the context lives in
 * ZooKeeper), compatible reservation handling (SPC-4 5.14.3), every reservation type; no
 * SPEC_I_PT and no ALL_TG_PT: a registration is one I_T nexus.
 */
public final class PersistentReservations {

    private PersistentReservations() {}

    /** PERSISTENT RESERVE OUT (SPC-4 6.16). */
    public static PrOutcome out(ScsiContext ctx, ItNexus nexus, PrOutRequest request) {
        return PersistentReserveOut.apply(ctx, nexus, request);
    }

    /**
     * PERSISTENT RESERVE IN (SPC-4 6.15): the full parameter data for {@code serviceAction}
     * (the caller truncates to the allocation length), or null for an unsupported service action
     * (the caller answers INVALID FIELD IN CDB).
     */
    public static byte[] in(ScsiContext ctx, int serviceAction) {
        return PrInEncoder.encode(ctx, serviceAction);
    }

    /** Whether a command of class {@code cls} from {@code nexus} conflicts with the reservations held. */
    public static boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
        return ConflictTable.conflicts(ctx, nexus, cls);
    }

    /** RESERVE(6)/RESERVE(10) (SPC-2 7.21). */
    public static PrOutcome reserve(ScsiContext ctx, ItNexus nexus) {
        // SPC-4 5.14.3: with persistent reservation state present, RESERVE always conflicts
        if (ConflictTable.hasPersistentState(ctx)) {
            return PersistentReserveOut.conflict();
        }
        Spc2Reservation holder = ctx.spc2Holder();
        if (holder != null) {
            // SPC-2 7.21.1: the holder may reserve again; anyone else conflicts
            return holds(holder, nexus) ? PersistentReserveOut.good(null) : PersistentReserveOut.conflict();
        }
        return PersistentReserveOut.good(ctx.withSpc2Holder(new Spc2Reservation(nexus.initiatorPort(), nexus.targetPort())));
    }

    /** RELEASE(6)/RELEASE(10) (SPC-2 7.24). */
    public static PrOutcome release(ScsiContext ctx, ItNexus nexus) {
        if (ConflictTable.hasPersistentState(ctx)) {
            // SPC-4 5.14.3: GOOD without releasing for a holder or a registrant of an RO/AR reservation
            return ConflictTable.releaseExempt(ctx, nexus) ? PersistentReserveOut.good(null) : PersistentReserveOut.conflict();
        }
        Spc2Reservation holder = ctx.spc2Holder();
        if (holder == null || !holds(holder, nexus)) {
            return PersistentReserveOut.good(null); // SPC-2 7.24: a release by a non-holder is GOOD and changes nothing
        }
        return PersistentReserveOut.good(ctx.withSpc2Holder(null));
    }

    /** What a LOGICAL UNIT RESET does to reservations (SPC-2 reservation released; PR kept). */
    public static ScsiContext onLogicalUnitReset(ScsiContext ctx, ItNexus nexus) {
        // SPC-2 5.5.1: a logical unit reset releases RESERVE reservations; SPC-4 5.14.1: persistent ones stay
        return ctx.spc2Holder() == null ? ctx : ctx.withSpc2Holder(null);
    }

    /** What losing an I_T nexus does to reservations (SPC-2 reservation of that nexus released). */
    public static ScsiContext onNexusLoss(ScsiContext ctx, ItNexus nexus) {
        // SPC-2 5.5.1: I_T nexus loss releases that nexus's RESERVE reservation; registrations persist (SPC-4 5.14.1)
        Spc2Reservation holder = ctx.spc2Holder();
        return holder != null && holds(holder, nexus) ? ctx.withSpc2Holder(null) : ctx;
    }

    /** At power on (first start of the LUN's gateways): registrations survive only with APTPL (SPC-4 5.14.5). */
    public static ScsiContext onPowerOn(ScsiContext ctx) {
        // SPC-4 6.15.2: a power on sets PRgeneration to zero whatever the APTPL bit
        ScsiContext next = ctx.aptpl()
                ? ctx.withRegistrations(0, ctx.registrations(), ctx.reservation())
                : ctx.withRegistrations(0, java.util.List.of(), null);
        // SPC-2 5.5.1: RESERVE reservations never survive power loss
        return next.withSpc2Holder(null);
    }

    private static boolean holds(Spc2Reservation holder, ItNexus nexus) {
        return holder.initiatorPort().equals(nexus.initiatorPort()) && holder.targetPort().equals(nexus.targetPort());
    }
}
