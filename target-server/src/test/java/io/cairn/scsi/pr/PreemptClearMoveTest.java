package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CLEAR, PREEMPT, PREEMPT AND ABORT and REGISTER AND MOVE. */
class PreemptClearMoveTest {

    @Test
    void clearRemovesEverythingAndTellsOtherRegistrants() {
        // libiscsi test_prout_clear_simple: generation +1 for CLEAR, none for RESERVE
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL, C, 0xCCL), A, reserve(0xAA, EA));
        long gen = ctx.prGeneration();
        ctx = ok(ctx, A, clear(0xAA));
        assertEquals(List.of(), ctx.registrations());
        assertNull(ctx.reservation());
        assertEquals(gen + 1, ctx.prGeneration());
        assertEquals(List.of(RES_PREEMPTED), uas(ctx, B));
        assertEquals(List.of(RES_PREEMPTED), uas(ctx, C));
        assertEquals(List.of(), uas(ctx, A));
    }

    @Test
    void clearWithoutReservationStillPreemptsOthers() {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), B, clear(0xBB));
        assertEquals(List.of(RES_PREEMPTED), uas(ctx, A));
    }

    @Test
    void clearRequiresRegistrationAndMatchingKey() {
        ScsiContext ctx = registered(A, 0xAAL);
        conflict(ctx, B, clear(0));
        conflict(ctx, A, clear(0xAB));
    }

    @Test
    void preemptWithoutReservationRemovesMatchingRegistrations() {
        // libiscsi test_prout_preempt_rm_reg
        ScsiContext ctx = registered(A, 0x11L, B, 0x22L);
        long gen = ctx.prGeneration();
        ctx = ok(ctx, B, preempt(0x22, 0x11, EA));
        assertEquals(List.of(0x22L), keys(ctx));
        assertEquals(gen + 1, ctx.prGeneration());
        assertNull(ctx.reservation());
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A));
        assertEquals(List.of(), uas(ctx, B));
    }

    @Test
    void preemptIgnoresUndefinedTypeWhenNoReservationIsTaken() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), B, preempt(0x22, 0x11, 0));
        assertEquals(List.of(0x22L), keys(ctx));
    }

    @Test
    void preemptOfUnknownKeyConflicts() {
        conflict(registered(A, 0x11L, B, 0x22L), B, preempt(0x22, 0x33, EA));
    }

    @Test
    void preemptRequiresRegistrationAndMatchingKey() {
        ScsiContext ctx = registered(A, 0x11L, B, 0x22L);
        conflict(ctx, C, preempt(0, 0x11, EA));
        conflict(ctx, B, preempt(0x23, 0x11, EA));
    }

    @Test
    void preemptWithZeroKeyIsInvalidUnlessAllRegistrantsReservation() {
        ScsiContext ctx = registered(A, 0x11L, B, 0x22L);
        checkCondition(ctx, B, preempt(0x22, 0, EA), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        ScsiContext reserved = ok(ctx, A, reserve(0x11, EA_RO));
        checkCondition(reserved, B, preempt(0x22, 0, EA), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
    }

    @Test
    void preemptOfHolderTakesReservationWithNewType() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, WE));
        long gen = ctx.prGeneration();
        ctx = ok(ctx, B, preempt(0x22, 0x11, EA_RO));
        assertEquals(List.of(0x22L, 0x33L), keys(ctx));
        assertEquals(new ScsiContext.PrReservation(B.initiatorPort(), B.targetPort(), 0x22, EA_RO), ctx.reservation());
        assertEquals(gen + 1, ctx.prGeneration());
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A));
        // type changed: the remaining registrant's reservation was released (SPC-4 5.14.11.2.4 f)
        assertEquals(List.of(RES_RELEASED), uas(ctx, C));
        assertEquals(List.of(), uas(ctx, B));
    }

    @Test
    void preemptOfHolderWithSameTypeRaisesNoReleaseAttention() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, WE));
        ctx = ok(ctx, B, preempt(0x22, 0x11, WE));
        assertEquals(List.of(), uas(ctx, C));
    }

    @Test
    void preemptOfHolderRemovesEveryRegistrationWithItsKey() {
        ScsiContext ctx = ok(registered(A, 0x11L, A2, 0x11L, B, 0x22L), A, reserve(0x11, EA));
        ctx = ok(ctx, B, preempt(0x22, 0x11, EA));
        assertEquals(List.of(0x22L), keys(ctx));
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A));
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A2));
    }

    @Test
    void holderPreemptingItselfChangesTypeAndKeepsItsRegistration() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, WE));
        ctx = ok(ctx, A, preempt(0x11, 0x11, EA));
        assertEquals(List.of(0x11L, 0x22L), keys(ctx));
        assertEquals(EA, reservationOf(ctx).type());
        assertEquals(A.initiatorPort(), ctx.reservation().initiatorPort());
        assertEquals(List.of(RES_RELEASED), uas(ctx, B));
    }

    @Test
    void preemptOfNonHolderKeyLeavesReservationAlone() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, WE_RO));
        ctx = ok(ctx, B, preempt(0x22, 0x33, EA));
        assertEquals(List.of(0x11L, 0x22L), keys(ctx));
        assertEquals(new ScsiContext.PrReservation(A.initiatorPort(), A.targetPort(), 0x11, WE_RO), ctx.reservation());
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, C));
        assertEquals(List.of(), uas(ctx, A));
    }

    @Test
    void preemptWithZeroKeyUnderAllRegistrantsRemovesEveryoneElseAndReserves() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, EA_AR));
        ctx = ok(ctx, B, preempt(0x22, 0, WE));
        assertEquals(List.of(0x22L), keys(ctx));
        assertEquals(new ScsiContext.PrReservation(B.initiatorPort(), B.targetPort(), 0x22, WE), ctx.reservation());
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A));
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, C));
    }

    @Test
    void preemptWithKeyUnderAllRegistrantsRemovesOnlyThatKey() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, WE_AR));
        ctx = ok(ctx, B, preempt(0x22, 0x11, 0));
        assertEquals(List.of(0x22L, 0x33L), keys(ctx));
        assertEquals(WE_AR, reservationOf(ctx).type());
        assertEquals(List.of(REG_PREEMPTED), uas(ctx, A));
        assertEquals(List.of(), uas(ctx, C));
    }

    @Test
    void preemptTakingReservationNeedsDefinedType() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, WE));
        checkCondition(ctx, B, preempt(0x22, 0x11, 2), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @Test
    void preemptAndAbortListsPreemptedNexuses() {
        ScsiContext ctx = ok(registered(A, 0x11L, A2, 0x11L, B, 0x22L, C, 0x33L), A, reserve(0x11, EA));
        PrOutcome o = PersistentReservations.out(ctx, B, preemptAndAbort(0x22, 0x11, EA));
        assertEquals(ScsiResult.GOOD, o.status());
        assertEquals(List.of(0x22L, 0x33L), keys(o.next()));
        assertEquals(B.initiatorPort(), o.next().reservation().initiatorPort());
        assertEquals(List.of(REG_PREEMPTED), uas(o.next(), A));
        // recorded for every gateway to apply before it acknowledges this version
        assertEquals(List.of(new ScsiContext.TaskAbort(1, List.of(A.key(), A2.key()).stream().sorted().toList())),
                o.next().taskAborts());
    }

    @Test
    void plainPreemptAbortsNothing() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, EA));
        PrOutcome o = PersistentReservations.out(ctx, B, preempt(0x22, 0x11, EA));
        assertEquals(List.of(), o.next().taskAborts());
    }

    @Test
    void preemptAndAbortNeverAbortsTheSendingNexus() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x11L), A, reserve(0x11, EA));
        PrOutcome o = PersistentReservations.out(ctx, A, preemptAndAbort(0x11, 0x11, WE));
        assertEquals(List.of(new ScsiContext.TaskAbort(1, List.of(B.key()))), o.next().taskAborts());
        assertEquals(List.of(0x11L), keys(o.next()));
    }

    @Test
    void unitAttentionsAppendToPendingOnesWithoutDuplicates() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, WE_RO));
        ctx = ok(ctx, A, release(0x11, WE_RO));
        ctx = ok(ctx, A, reserve(0x11, WE_RO));
        ctx = ok(ctx, A, release(0x11, WE_RO));
        assertEquals(List.of(RES_RELEASED), uas(ctx, B));
        ctx = ok(ctx, A, clear(0x11));
        assertEquals(List.of(RES_RELEASED, RES_PREEMPTED), uas(ctx, B));
    }

    // REGISTER AND MOVE

    static PrOutRequest move(long key, long saKey, boolean unreg, int rtpi, byte[] tid) {
        ByteBuffer b = ByteBuffer.allocate(24 + tid.length);
        b.putLong(key).putLong(saKey).put((byte) 0).put((byte) (unreg ? 0x02 : 0)).putShort((short) rtpi)
                .putInt(tid.length).put(tid);
        return new PrOutRequest(PersistentReserveOut.REGISTER_AND_MOVE, 0, 0, b.capacity(), b.array());
    }

    @Test
    void registerAndMoveRegistersDestinationAndMovesReservation() {
        ScsiContext ctx = ok(registered(A, 0x11L), A, reserve(0x11, EA));
        long gen = ctx.prGeneration();
        ctx = ok(ctx, A, move(0x11, 0x44, false, 1, IscsiTransportId.encode(B.initiatorPort())));
        assertEquals(List.of(0x11L, 0x44L), keys(ctx));
        assertEquals(new ScsiContext.PrReservation(B.initiatorPort(), B.targetPort(), 0x44, EA), ctx.reservation());
        assertEquals(gen + 1, ctx.prGeneration());
    }

    @Test
    void registerAndMoveWithUnregDropsSourceRegistration() {
        ScsiContext ctx = ok(registered(A, 0x11L, C, 0x33L), A, reserve(0x11, WE));
        ctx = ok(ctx, A, move(0x11, 0x44, true, 2, IscsiTransportId.encode(A.initiatorPort())));
        assertEquals(List.of(0x33L, 0x44L), keys(ctx));
        assertEquals(A2.targetPort(), ctx.reservation().targetPort());
        assertEquals(WE, ctx.reservation().type());
    }

    @Test
    void registerAndMoveByIscsiNameFindsTheRegisteredPort() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, WE_RO));
        byte[] byName = IscsiTransportId.encode("iqn.1994-05.com.redhat:beta");
        ctx = ok(ctx, A, move(0x11, 0x44, false, 1, byName));
        // an existing destination registration keeps its key
        assertEquals(List.of(0x11L, 0x22L), keys(ctx));
        assertEquals(0x22, ctx.reservation().key());
        assertEquals(B.initiatorPort(), ctx.reservation().initiatorPort());
    }

    @Test
    void registerAndMoveRefusals() {
        ScsiContext plain = registered(A, 0x11L, B, 0x22L);
        byte[] toB = IscsiTransportId.encode(B.initiatorPort());
        conflict(plain, A, move(0x11, 0x44, false, 1, toB)); // no reservation
        ScsiContext held = ok(plain, A, reserve(0x11, EA));
        conflict(held, B, move(0x22, 0x44, false, 1, toB)); // not the holder
        conflict(held, A, move(0x12, 0x44, false, 1, toB)); // wrong key
        ScsiContext shared = ok(plain, A, reserve(0x11, EA_AR));
        conflict(shared, A, move(0x11, 0x44, false, 1, toB)); // all registrants
        checkCondition(held, A, move(0x11, 0, false, 1, toB), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        checkCondition(held, A, move(0x11, 0x44, false, 1, IscsiTransportId.encode(A.initiatorPort())),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST); // to itself
        checkCondition(held, A, move(0x11, 0x44, false, 9, toB), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        byte[] bad = toB.clone();
        bad[0] = 0x06; // not iSCSI
        checkCondition(held, A, move(0x11, 0x44, false, 1, bad), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        PrOutRequest truncated = move(0x11, 0x44, false, 1, toB);
        checkCondition(held, A, new PrOutRequest(7, 0, 0, 30, java.util.Arrays.copyOf(truncated.parameterList(), 30)),
                SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        assertFalse(held.aptpl());
    }
}
