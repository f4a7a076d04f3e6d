package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.ConflictTable.isHolder;
import static io.cairn.scsi.pr.ConflictTable.registrationOf;
import static io.cairn.scsi.pr.ConflictTable.typeOf;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The PERSISTENT RESERVE OUT service actions (SPC-4 5.14.7 to 5.14.11, 6.16) as pure functions.
 * Checks run in this order: CDB fields, parameter list, then reservation keys and state.
 */
final class PersistentReserveOut {

    static final int REGISTER = 0x00;
    static final int RESERVE = 0x01;
    static final int RELEASE = 0x02;
    static final int CLEAR = 0x03;
    static final int PREEMPT = 0x04;
    static final int PREEMPT_AND_ABORT = 0x05;
    static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    static final int REGISTER_AND_MOVE = 0x07;

    private PersistentReserveOut() {}

    static PrOutcome apply(ScsiContext ctx, ItNexus nexus, PrOutRequest req) {
        int sa = req.serviceAction();
        // SPC-4 6.16.2 Table 213: REPLACE LOST RESERVATION (08h) and reserved codes are not supported
        if (sa < REGISTER || sa > REGISTER_AND_MOVE) {
            return check(SenseReason.INVALID_FIELD_IN_CDB);
        }
        // SPC-4 6.16.2: SCOPE is LU_SCOPE; REGISTER*, CLEAR and REGISTER AND MOVE ignore it
        boolean usesScope = sa == RESERVE || sa == RELEASE || sa == PREEMPT || sa == PREEMPT_AND_ABORT;
        if (usesScope && req.scope() != 0) {
            return check(SenseReason.INVALID_FIELD_IN_CDB);
        }
        // SPC-4 6.16.2: RESERVE names the type it establishes; only the six defined types exist
        if (sa == RESERVE && ReservationType.of(req.type()) == null) {
            return check(SenseReason.INVALID_FIELD_IN_CDB);
        }
        byte[] list = req.parameterList() == null ? new byte[0] : req.parameterList();
        if (req.parameterListLength() < PrOutParameters.LENGTH || list.length < PrOutParameters.LENGTH) {
            return check(SenseReason.PARAMETER_LIST_LENGTH_ERROR); // SPC-4 6.16.3
        }
        if (sa == REGISTER_AND_MOVE) {
            return RegisterAndMove.apply(ctx, nexus, req.parameterListLength(), list);
        }
        PrOutParameters p = PrOutParameters.decode(list);
        // SPC-4 6.16.3: SPEC_I_PT is valid for REGISTER only, and this device server has SIP_C=0
        if (p.specifyInitiatorPorts()) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        // SPC-4 6.16.3: with SPEC_I_PT=0 the basic parameter list is exactly 24 bytes
        if (req.parameterListLength() != PrOutParameters.LENGTH) {
            return check(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        // SPC-4 6.16.3: ALL_TG_PT is valid for REGISTER and REGISTER AND IGNORE EXISTING KEY only
        // (ignored otherwise); this device server has ATP_C=0, so registrations are per target port
        boolean registers = sa == REGISTER || sa == REGISTER_AND_IGNORE_EXISTING_KEY;
        if (registers && p.allTargetPorts()) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        return switch (sa) {
            case REGISTER -> register(ctx, nexus, p, false);
            case REGISTER_AND_IGNORE_EXISTING_KEY -> register(ctx, nexus, p, true);
            case RESERVE -> reserve(ctx, nexus, p, ReservationType.of(req.type()));
            case RELEASE -> release(ctx, nexus, p, req.type());
            case CLEAR -> clear(ctx, nexus, p);
            default -> preempt(ctx, nexus, p, req.type(), sa == PREEMPT_AND_ABORT);
        };
    }

    /** SPC-4 5.14.7: register, re-register with a new key, or unregister (new key zero). */
    private static PrOutcome register(ScsiContext ctx, ItNexus nexus, PrOutParameters p, boolean ignoreKey) {
        PrRegistration reg = registrationOf(ctx, nexus);
        long newKey = p.serviceActionKey();
        if (reg == null) {
            // SPC-4 5.14.7 Table 59: an unregistered I_T nexus must send RESERVATION KEY zero
            if (!ignoreKey && p.reservationKey() != 0) {
                return conflict();
            }
            if (newKey == 0) {
                return good(null); // SPC-4 5.14.7: nothing to register, nothing changes
            }
            PrChange c = new PrChange(ctx);
            c.registrations.add(new PrRegistration(nexus.initiatorPort(), nexus.targetPort(), newKey));
            return registered(c, p);
        }
        if (!ignoreKey && p.reservationKey() != reg.key()) {
            return conflict(); // SPC-4 5.14.7 Table 60
        }
        PrChange c = new PrChange(ctx);
        if (newKey != 0) {
            c.registrations.set(c.registrations.indexOf(reg), new PrRegistration(reg.initiatorPort(), reg.targetPort(), newKey));
            PrReservation res = c.reservation;
            if (res != null && !typeOf(res).allRegistrants() && res.initiatorPort().equals(reg.initiatorPort())
                    && res.targetPort().equals(reg.targetPort())) {
                // the holder keeps its reservation under its new key (SPC-4 5.14.7)
                c.reservation = new PrReservation(res.initiatorPort(), res.targetPort(), newKey, res.type());
            }
        } else {
            unregister(c, nexus);
        }
        return registered(c, p);
    }

    /**
     * SPC-4 5.14.11.2.3 (unregistering): a holder that unregisters releases the reservation, except
     * under all registrants types, which end with the last registrant. A released registrants only
     * reservation raises RESERVATIONS RELEASED for the other registrants.
     */
    private static void unregister(PrChange c, ItNexus nexus) {
        c.remove(r -> PrChange.is(r, nexus));
        PrReservation res = c.reservation;
        if (res == null) {
            return;
        }
        ReservationType type = typeOf(res);
        if (type.allRegistrants()) {
            if (c.registrations.isEmpty()) {
                c.reservation = null;
            }
        } else if (res.initiatorPort().equals(nexus.initiatorPort()) && res.targetPort().equals(nexus.targetPort())) {
            c.reservation = null;
            if (type.registrantsOnly()) {
                c.unitAttentionToRegistrants(nexus, SenseReason.RESERVATIONS_RELEASED);
            }
        }
    }

    private static PrOutcome registered(PrChange c, PrOutParameters p) {
        c.bumpGeneration(); // SPC-4 6.15.2
        c.aptpl = p.aptpl(); // SPC-4 5.14.5: the most recent valid APTPL bit decides
        return good(c.build());
    }

    /** SPC-4 5.14.9: only a registered I_T nexus reserves, and a reservation is never silently replaced. */
    private static PrOutcome reserve(ScsiContext ctx, ItNexus nexus, PrOutParameters p, ReservationType type) {
        PrRegistration reg = registrationOf(ctx, nexus);
        if (reg == null || reg.key() != p.reservationKey()) {
            return conflict();
        }
        PrReservation res = ctx.reservation();
        if (res != null) {
            // SPC-4 5.14.9: the holder repeating its own reservation gets GOOD; any other is a conflict
            return isHolder(ctx, nexus) && res.type() == type.code() ? good(null) : conflict();
        }
        PrChange c = new PrChange(ctx);
        c.reservation = reservationFor(nexus, reg, type);
        return good(c.build()); // SPC-4 6.15.2: RESERVE does not change PRgeneration
    }

    /** SPC-4 5.14.11.2.2: only a holder releases; a registered non-holder gets GOOD and nothing changes. */
    private static PrOutcome release(ScsiContext ctx, ItNexus nexus, PrOutParameters p, int type) {
        PrRegistration reg = registrationOf(ctx, nexus);
        if (reg == null || reg.key() != p.reservationKey()) {
            return conflict();
        }
        PrReservation res = ctx.reservation();
        if (res == null || !isHolder(ctx, nexus)) {
            return good(null);
        }
        if (res.type() != type) {
            return check(SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        }
        PrChange c = new PrChange(ctx);
        c.reservation = null;
        // SPC-4 5.14.11.2.2: registrants of a released registrants only / all registrants reservation are told
        if (typeOf(res).registrantsHaveAccess()) {
            c.unitAttentionToRegistrants(nexus, SenseReason.RESERVATIONS_RELEASED);
        }
        return good(c.build());
    }

    /** SPC-4 5.14.11.2.6: every registration and the reservation go; the others hear RESERVATIONS PREEMPTED. */
    private static PrOutcome clear(ScsiContext ctx, ItNexus nexus, PrOutParameters p) {
        PrRegistration reg = registrationOf(ctx, nexus);
        if (reg == null || reg.key() != p.reservationKey()) {
            return conflict();
        }
        PrChange c = new PrChange(ctx);
        c.unitAttentionToRegistrants(nexus, SenseReason.RESERVATIONS_PREEMPTED);
        c.registrations.clear();
        c.reservation = null;
        c.bumpGeneration();
        return good(c.build());
    }

    /**
     * SPC-4 5.14.11.2.4 and 5.14.11.2.5, Table 61: PREEMPT and PREEMPT AND ABORT remove the
     * registrations holding the SERVICE ACTION RESERVATION KEY and, if that key identifies the
     * holder (or is zero under an all registrants reservation), take over the reservation.
     */
    private static PrOutcome preempt(ScsiContext ctx, ItNexus nexus, PrOutParameters p, int cdbType, boolean abort) {
        PrRegistration reg = registrationOf(ctx, nexus);
        if (reg == null || reg.key() != p.reservationKey()) {
            return conflict();
        }
        PrReservation res = ctx.reservation();
        boolean allRegistrants = res != null && typeOf(res).allRegistrants();
        long saKey = p.serviceActionKey();
        // SPC-4 5.14.11.2.4: key zero only means "everyone" under an all registrants reservation
        if (saKey == 0 && !allRegistrants) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        boolean takesReservation = allRegistrants ? saKey == 0 : res != null && res.key() == saKey;
        ReservationType type = ReservationType.of(cdbType);
        if (takesReservation && type == null) {
            return check(SenseReason.INVALID_FIELD_IN_CDB);
        }
        if (saKey != 0 && ctx.registrations().stream().noneMatch(r -> r.key() == saKey)) {
            return conflict(); // SPC-4 5.14.11.2.4: the key must identify a registration
        }
        PrChange c = new PrChange(ctx);
        List<PrRegistration> removed;
        if (takesReservation) {
            // the preempting I_T nexus keeps its own registration even if it carries the key
            removed = c.remove(r -> (saKey == 0 || r.key() == saKey) && !PrChange.is(r, nexus));
            c.reservation = reservationFor(nexus, reg, type);
            if (!allRegistrants && res.type() != type.code()) {
                // SPC-4 5.14.11.2.4 f): a changed type releases the reservation for the remaining registrants
                c.unitAttentionToRegistrants(nexus, SenseReason.RESERVATIONS_RELEASED);
            }
        } else if (allRegistrants) {
            removed = c.remove(r -> r.key() == saKey && !PrChange.is(r, nexus));
        } else {
            // no reservation, or the key names non-holders: registrations only, reservation untouched
            removed = c.remove(r -> r.key() == saKey);
        }
        Set<String> aborts = new LinkedHashSet<>();
        for (PrRegistration r : removed) {
            c.unitAttention(r, nexus, SenseReason.REGISTRATIONS_PREEMPTED);
            if (abort && !PrChange.is(r, nexus)) {
                // SPC-4 5.14.11.2.5: tasks of the preempted I_T nexuses are aborted
                aborts.add(ScsiContext.nexusKey(r.initiatorPort(), r.targetPort()));
            }
        }
        c.bumpGeneration();
        // Recorded in the context so every gateway aborts the preempted nexuses' tasks before it
        // acknowledges this version, and the command completes after (PreemptedTasks).
        ScsiContext next = aborts.isEmpty() ? c.build() : c.build().withTaskAbort(aborts);
        return new PrOutcome(next, ScsiResult.GOOD, null);
    }

    /** The reservation {@code nexus} holds as {@code type}; all registrants reservations carry key zero (SPC-4 6.15.3.2). */
    static PrReservation reservationFor(ItNexus nexus, PrRegistration reg, ReservationType type) {
        return new PrReservation(nexus.initiatorPort(), nexus.targetPort(), type.allRegistrants() ? 0 : reg.key(),
                type.code());
    }

    static PrOutcome good(ScsiContext next) {
        return new PrOutcome(next, ScsiResult.GOOD, null);
    }

    static PrOutcome conflict() {
        return new PrOutcome(null, ScsiResult.RESERVATION_CONFLICT, null);
    }

    static PrOutcome check(SenseReason reason) {
        return new PrOutcome(null, ScsiResult.CHECK_CONDITION, reason);
    }

    static long longAt(byte[] b, int offset) {
        return ByteBuffer.wrap(b).getLong(offset);
    }
}
