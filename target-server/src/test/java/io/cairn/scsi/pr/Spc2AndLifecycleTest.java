package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.Spc2Reservation;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ScsiResult;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RESERVE(6/10) and RELEASE(6/10), resets, I_T nexus loss and power on. */
class Spc2AndLifecycleTest {

    private static ScsiContext reserved(ScsiContext ctx, ItNexus n) {
        PrOutcome o = PersistentReservations.reserve(ctx, n);
        assertEquals(ScsiResult.GOOD, o.status());
        return o.next() == null ? ctx : o.next();
    }

    private static ScsiContext released(ScsiContext ctx, ItNexus n) {
        PrOutcome o = PersistentReservations.release(ctx, n);
        assertEquals(ScsiResult.GOOD, o.status());
        return o.next() == null ? ctx : o.next();
    }

    @Test
    void twoInitiatorsScenario() {
        // libiscsi test_reserve6_2initiators
        ScsiContext ctx = reserved(ScsiContext.EMPTY, A);
        assertEquals(new Spc2Reservation(A.initiatorPort(), A.targetPort()), ctx.spc2Holder());
        assertNull(PersistentReservations.reserve(ctx, A).next(), "reserving again changes nothing");
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.reserve(ctx, B).status());
        PrOutcome nonHolderRelease = PersistentReservations.release(ctx, B);
        assertEquals(ScsiResult.GOOD, nonHolderRelease.status());
        assertNull(nonHolderRelease.next());
        assertTrue(PersistentReservations.conflicts(ctx, B, ConflictClass.READ), "MODE SENSE from sd2");
        assertFalse(PersistentReservations.conflicts(ctx, A, ConflictClass.READ));
        ctx = released(ctx, A);
        assertNull(ctx.spc2Holder());
        ctx = reserved(ctx, B);
        ctx = released(ctx, B);
        assertNull(ctx.spc2Holder());
    }

    @Test
    void releaseWithoutReservationIsGood() {
        assertNull(PersistentReservations.release(ScsiContext.EMPTY, A).next());
        assertEquals(ScsiResult.GOOD, PersistentReservations.release(ScsiContext.EMPTY, A).status());
    }

    @Test
    void reserveConflictsWhilePersistentStateExists() {
        // SPC-4 5.14.3
        ScsiContext regs = registered(A, 0x11L);
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.reserve(regs, A).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.reserve(regs, B).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.release(regs, B).status());
    }

    @Test
    void releaseFromPersistentHolderOrSharingRegistrantIsGoodButReleasesNothing() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, WE_RO));
        PrOutcome byHolder = PersistentReservations.release(ctx, A);
        assertEquals(ScsiResult.GOOD, byHolder.status());
        assertNull(byHolder.next());
        assertEquals(ScsiResult.GOOD, PersistentReservations.release(ctx, B).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.release(ctx, C).status());
        ScsiContext exclusive = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, EA));
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.release(exclusive, B).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, PersistentReservations.reserve(exclusive, A).status());
    }

    @Test
    void logicalUnitResetReleasesSpc2ReservationOnly() {
        // libiscsi test_reserve6_lun_reset: after the reset another initiator reserves
        ScsiContext ctx = reserved(ScsiContext.EMPTY, A);
        ScsiContext after = PersistentReservations.onLogicalUnitReset(ctx, A);
        assertNull(after.spc2Holder());
        reserved(after, B);

        ScsiContext pr = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, EA));
        assertSame(pr, PersistentReservations.onLogicalUnitReset(pr, B));
    }

    @Test
    void nexusLossReleasesOnlyThatNexusReservation() {
        // libiscsi test_reserve6_itnexus_loss / test_reserve6_logout
        ScsiContext ctx = reserved(ScsiContext.EMPTY, A);
        assertSame(ctx, PersistentReservations.onNexusLoss(ctx, B));
        assertSame(ctx, PersistentReservations.onNexusLoss(ctx, A2));
        assertNull(PersistentReservations.onNexusLoss(ctx, A).spc2Holder());

        ScsiContext pr = ok(registered(A, 0x11L), A, reserve(0x11, EA));
        ScsiContext afterLoss = PersistentReservations.onNexusLoss(pr, A);
        assertEquals(pr.registrations(), afterLoss.registrations());
        assertEquals(pr.reservation(), afterLoss.reservation());
    }

    @Test
    void powerOnWithoutAptplForgetsEverything() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, EA));
        ScsiContext after = PersistentReservations.onPowerOn(ctx);
        assertEquals(List.of(), after.registrations());
        assertNull(after.reservation());
        assertEquals(0, after.prGeneration());
        assertFalse(PersistentReservations.conflicts(after, C, ConflictClass.WRITE));
    }

    @Test
    void powerOnWithAptplKeepsRegistrationsAndReservation() {
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, 24, params(0, 0x11, 0x01)));
        ctx = ok(ctx, A, reserve(0x11, EA_RO));
        ScsiContext after = PersistentReservations.onPowerOn(ctx);
        assertEquals(ctx.registrations(), after.registrations());
        assertEquals(ctx.reservation(), after.reservation());
        assertTrue(after.aptpl());
        assertEquals(0, after.prGeneration()); // SPC-4 6.15.2: zero after power on regardless of APTPL
        assertTrue(PersistentReservations.conflicts(after, C, ConflictClass.READ));
    }

    @Test
    void powerOnDropsSpc2ReservationAndKeepsOtherState() {
        Map<String, List<UnitAttention>> pending = Map.of(B.key(), List.of(RES_RELEASED));
        ScsiContext ctx = reserved(ScsiContext.EMPTY, A).withUnitAttentions(pending);
        ScsiContext after = PersistentReservations.onPowerOn(ctx);
        assertNull(after.spc2Holder());
        assertEquals(pending, after.unitAttentions());
    }
}
