package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.SenseReason;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** REGISTER, REGISTER AND IGNORE EXISTING KEY, RESERVE, RELEASE and the checks every service action shares. */
class RegisterReserveReleaseTest {

    @Test
    void registerFromUnregisteredNexusAddsKeyAndBumpsGeneration() {
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, register(0, 0xAAL));
        assertEquals(List.of(0xAAL), keys(ctx));
        assertEquals(A.initiatorPort(), ctx.registrations().get(0).initiatorPort());
        assertEquals(A.targetPort(), ctx.registrations().get(0).targetPort());
        assertEquals(1, ctx.prGeneration());
    }

    @Test
    void registerFromUnregisteredNexusWithNonZeroReservationKeyConflicts() {
        conflict(ScsiContext.EMPTY, A, register(0x1, 0xAA));
    }

    @Test
    void registerZeroFromUnregisteredNexusIsGoodAndChangesNothing() {
        unchanged(ScsiContext.EMPTY, A, register(0, 0));
        unchanged(ScsiContext.EMPTY, A, registerIgnore(0));
    }

    @Test
    void reRegisterWithWrongKeyConflicts() {
        // libiscsi test_prout_register_simple: prout_reregister_key_fails sends RESERVATION KEY 0
        ScsiContext ctx = registered(A, 0xAAL);
        conflict(ctx, A, register(0, 0xAB));
        conflict(ctx, A, register(0xAB, 0xAC));
    }

    @Test
    void reRegisterWithCorrectKeyReplacesKey() {
        ScsiContext ctx = ok(registered(A, 0xAAL), A, register(0xAA, 0xBB));
        assertEquals(List.of(0xBBL), keys(ctx));
        assertEquals(2, ctx.prGeneration());
    }

    @Test
    void holderReRegisteringKeepsReservationUnderNewKey() {
        ScsiContext ctx = ok(registered(A, 0xAAL), A, reserve(0xAA, WE));
        ctx = ok(ctx, A, register(0xAA, 0xBB));
        assertEquals(0xBB, reservationOf(ctx).key());
        ok(ctx, A, release(0xBB, WE));
    }

    @Test
    void registerAndIgnoreReplacesKeyWhateverReservationKeySays() {
        ScsiContext ctx = registered(A, 0xAAL);
        ctx = ok(ctx, A, req(PersistentReserveOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0x1234, 0xCC));
        assertEquals(List.of(0xCCL), keys(ctx));
    }

    @Test
    void unregisterRemovesOnlyThatNexus() {
        ScsiContext ctx = registered(A, 0xAAL, B, 0xBBL, A2, 0xAAL);
        ctx = ok(ctx, A, register(0xAA, 0));
        assertEquals(List.of(0xBBL, 0xAAL), keys(ctx));
        assertEquals(A2.targetPort(), ctx.registrations().get(1).targetPort());
        assertEquals(4, ctx.prGeneration());
    }

    @Test
    void sameKeyOnTwoNexusesIsTwoRegistrations() {
        ScsiContext ctx = registered(A, 7L, B, 7L);
        assertEquals(List.of(7L, 7L), keys(ctx));
    }

    @Test
    void aptplBitIsRecordedByRegisterAndClearedByTheNextRegister() {
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, 24, params(0, 0xAA, 0x01)));
        assertTrue(ctx.aptpl());
        ctx = ok(ctx, B, registerIgnore(0xBB));
        assertFalse(ctx.aptpl());
    }

    @Test
    void allTargetPortsIsRejected() {
        // REPORT CAPABILITIES says ATP_C=0
        checkCondition(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, 24, params(0, 0xAA, 0x04)),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        checkCondition(ScsiContext.EMPTY, A, new PrOutRequest(6, 0, 0, 24, params(0, 0xAA, 0x04)),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
    }

    @Test
    void allTargetPortsIsIgnoredOutsideRegister() {
        ScsiContext ctx = registered(A, 0xAAL);
        ok(ctx, A, new PrOutRequest(PersistentReserveOut.RESERVE, 0, WE, 24, params(0xAA, 0, 0x04)));
    }

    @Test
    void specifyInitiatorPortsIsRejected() {
        checkCondition(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, 24, params(0, 0xAA, 0x08)),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        checkCondition(registered(A, 0xAAL), A, new PrOutRequest(1, 0, WE, 24, params(0xAA, 0, 0x08)),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 23, 25, 32})
    void parameterListLengthOtherThan24IsAnError(int length) {
        byte[] list = new byte[Math.max(length, 24)];
        System.arraycopy(params(0, 0xAA, 0), 0, list, 0, 24);
        checkCondition(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, length, java.util.Arrays.copyOf(list, length)),
                SenseReason.PARAMETER_LIST_LENGTH_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 0x1F})
    void unsupportedServiceActionIsInvalidFieldInCdb(int sa) {
        checkCondition(ScsiContext.EMPTY, A, req(sa, 0, 0, 0), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5})
    void scopeOtherThanLogicalUnitIsInvalidFieldInCdb(int sa) {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, WE));
        checkCondition(ctx, A, new PrOutRequest(sa, 1, WE, 24, params(0xAA, 0xBB, 0)), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @Test
    void scopeIsIgnoredByRegisterAndClear() {
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, new PrOutRequest(0, 2, 0, 24, params(0, 0xAA, 0)));
        ok(ctx, A, new PrOutRequest(3, 2, 0, 24, params(0xAA, 0, 0)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 4, 9, 15})
    void reserveWithUndefinedTypeIsInvalidFieldInCdb(int type) {
        checkCondition(registered(A, 0xAAL), A, reserve(0xAA, type), SenseReason.INVALID_FIELD_IN_CDB);
    }

    @ParameterizedTest
    @ValueSource(ints = {WE, EA, WE_RO, EA_RO, WE_AR, EA_AR})
    void reserveEachTypeWithoutTouchingGeneration(int type) {
        ScsiContext before = registered(A, 0xAAL);
        ScsiContext ctx = ok(before, A, reserve(0xAA, type));
        assertEquals(type, reservationOf(ctx).type());
        assertEquals(A.initiatorPort(), ctx.reservation().initiatorPort());
        assertEquals(type == WE_AR || type == EA_AR ? 0 : 0xAA, ctx.reservation().key());
        assertEquals(before.prGeneration(), ctx.prGeneration());
        // repeating the same reservation is GOOD; another type from the holder conflicts
        unchanged(ctx, A, reserve(0xAA, type));
        conflict(ctx, A, reserve(0xAA, type == WE ? EA : WE));
        // release restores the unreserved state, again without a generation change
        ScsiContext released = ok(ctx, A, release(0xAA, type));
        assertNull(released.reservation());
        assertEquals(before.prGeneration(), released.prGeneration());
    }

    @Test
    void reserveRequiresRegistrationAndMatchingKey() {
        conflict(ScsiContext.EMPTY, A, reserve(0, WE));
        conflict(registered(A, 0xAAL), A, reserve(0xAB, WE));
        conflict(registered(A, 0xAAL), B, reserve(0xAA, WE));
    }

    @Test
    void reserveWhileAnotherNexusHoldsConflicts() {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, WE_RO));
        conflict(ctx, B, reserve(0xBB, WE_RO));
        conflict(ctx, B, reserve(0xBB, EA));
    }

    @Test
    void registrantOfAllRegistrantsReservationRepeatingItIsGood() {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, EA_AR));
        unchanged(ctx, B, reserve(0xBB, EA_AR));
        conflict(ctx, B, reserve(0xBB, WE_AR));
    }

    @Test
    void releaseByRegisteredNonHolderIsGoodAndKeepsReservation() {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, EA));
        unchanged(ctx, B, release(0xBB, EA));
    }

    @Test
    void releaseRequiresRegistrationAndMatchingKey() {
        ScsiContext ctx = ok(registered(A, 0xAAL), A, reserve(0xAA, EA));
        conflict(ctx, C, release(0, EA));
        conflict(ctx, A, release(0xAB, EA));
    }

    @Test
    void releaseWithoutReservationIsGood() {
        unchanged(registered(A, 0xAAL), A, release(0xAA, WE));
    }

    @Test
    void releaseWithOtherTypeIsInvalidRelease() {
        ScsiContext ctx = ok(registered(A, 0xAAL), A, reserve(0xAA, WE));
        checkCondition(ctx, A, release(0xAA, EA), SenseReason.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
    }

    @Test
    void releaseOfWriteExclusiveOrExclusiveAccessRaisesNoUnitAttention() {
        for (int type : new int[] {WE, EA}) {
            ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, type));
            ctx = ok(ctx, A, release(0xAA, type));
            assertEquals(List.of(), uas(ctx, B));
        }
    }

    @Test
    void releaseOfRegistrantsTypesTellsOtherRegistrants() {
        for (int type : new int[] {WE_RO, EA_RO, WE_AR, EA_AR}) {
            ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL, C, 0xCCL), A, reserve(0xAA, type));
            ctx = ok(ctx, A, release(0xAA, type));
            assertEquals(List.of(RES_RELEASED), uas(ctx, B), "type " + type);
            assertEquals(List.of(RES_RELEASED), uas(ctx, C), "type " + type);
            assertEquals(List.of(), uas(ctx, A), "type " + type);
        }
    }

    @Test
    void anyRegistrantReleasesAllRegistrantsReservation() {
        ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, WE_AR));
        ctx = ok(ctx, B, release(0xBB, WE_AR));
        assertNull(ctx.reservation());
        assertEquals(List.of(RES_RELEASED), uas(ctx, A));
    }

    @Test
    void holderUnregisteringReleasesNonSharedReservation() {
        for (int type : new int[] {WE, EA, WE_RO, EA_RO}) {
            ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, type));
            ctx = ok(ctx, A, register(0xAA, 0));
            assertNull(ctx.reservation(), "type " + type);
            // SPC-4 5.14.11.2.3: only registrants only types announce it
            List<?> expected = type == WE_RO || type == EA_RO ? List.of(RES_RELEASED) : List.of();
            assertEquals(expected, uas(ctx, B), "type " + type);
        }
    }

    @Test
    void allRegistrantsReservationOutlivesItsCreatorUntilLastRegistrantLeaves() {
        // libiscsi test_prout_reserve_ownership_eaar / _wear
        for (int type : new int[] {WE_AR, EA_AR}) {
            ScsiContext ctx = ok(registered(A, 0xAAL, B, 0xBBL), A, reserve(0xAA, type));
            ctx = ok(ctx, A, register(0xAA, 0));
            assertEquals(type, reservationOf(ctx).type());
            assertEquals(0, ctx.reservation().key());
            ScsiContext lastLeaves = ok(ctx, B, register(0xBB, 0));
            assertNull(lastLeaves.reservation());
            ScsiContext released = ok(ctx, B, release(0xBB, type));
            assertNull(released.reservation());
        }
    }

    @Test
    void reservationCommandsDoNotChangeOtherNexusesUnitAttentionsWhenNothingHappens() {
        ScsiContext ctx = registered(A, 0xAAL, B, 0xBBL);
        ctx = ok(ctx, A, reserve(0xAA, EA));
        assertTrue(ctx.unitAttentions().isEmpty());
    }
}
