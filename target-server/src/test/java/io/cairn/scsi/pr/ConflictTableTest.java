package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.ItNexus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPC-4 5.14.2 Table 65 for every type and every kind of I_T nexus, SPC-4 5.14.3 for RESERVE and
 * RELEASE under persistent reservations, and SPC-2 reservations.
 */
class ConflictTableTest {

    /** A reserved by type; B registered; C not registered. */
    private static ScsiContext reservedBy(int type) {
        return ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, type));
    }

    private static ItNexus nexus(String role) {
        return switch (role) {
            case "holder" -> A;
            case "registrant" -> B;
            default -> C;
        };
    }

    @ParameterizedTest(name = "type {0}, {1}: READ {2}, WRITE {3}, RESERVE/RELEASE {4}")
    @CsvSource({
        // type, role,        READ conflicts, WRITE conflicts, SPC2_RESERVATION conflicts
        "1, holder,       false, false, false",
        "1, registrant,   false, true,  true",
        "1, unregistered, false, true,  true",
        "3, holder,       false, false, false",
        "3, registrant,   true,  true,  true",
        "3, unregistered, true,  true,  true",
        "5, holder,       false, false, false",
        "5, registrant,   false, false, false",
        "5, unregistered, false, true,  true",
        "6, holder,       false, false, false",
        "6, registrant,   false, false, false",
        "6, unregistered, true,  true,  true",
        "7, holder,       false, false, false",
        "7, registrant,   false, false, false",
        "7, unregistered, false, true,  true",
        "8, holder,       false, false, false",
        "8, registrant,   false, false, false",
        "8, unregistered, true,  true,  true",
    })
    void table65(int type, String role, boolean read, boolean write, boolean spc2) {
        ScsiContext ctx = reservedBy(type);
        ItNexus n = nexus(role);
        assertEquals(read, PersistentReservations.conflicts(ctx, n, ConflictClass.READ), "READ");
        assertEquals(write, PersistentReservations.conflicts(ctx, n, ConflictClass.WRITE), "WRITE");
        assertFalse(PersistentReservations.conflicts(ctx, n, ConflictClass.ALLOWED), "ALLOWED");
        assertEquals(spc2, PersistentReservations.conflicts(ctx, n, ConflictClass.SPC2_RESERVATION), "SPC2_RESERVATION");
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 0, 1, 0", "3, 0, 0, 0, 0", "5, 1, 1, 1, 0", "6, 1, 1, 0, 0", "7, 1, 1, 1, 0", "8, 1, 1, 0, 0"})
    void libiscsiReserveAccessExpectations(int type, int regRead, int regWrite, int unregRead, int unregWrite) {
        // test_prout_reserve_access.c arguments: reg_i2_can_read, reg_i2_can_write, unreg_i2_can_read, unreg_i2_can_write
        ScsiContext ctx = reservedBy(type);
        assertEquals(regRead == 0, PersistentReservations.conflicts(ctx, B, ConflictClass.READ));
        assertEquals(regWrite == 0, PersistentReservations.conflicts(ctx, B, ConflictClass.WRITE));
        ScsiContext unregistered = ok(ctx, B, register(0x22, 0));
        assertEquals(unregRead == 0, PersistentReservations.conflicts(unregistered, B, ConflictClass.READ));
        assertEquals(unregWrite == 0, PersistentReservations.conflicts(unregistered, B, ConflictClass.WRITE));
        // the holder always has access
        assertFalse(PersistentReservations.conflicts(unregistered, A, ConflictClass.WRITE));
    }

    @Test
    void nothingConflictsWithoutReservations() {
        for (ConflictClass cls : ConflictClass.values()) {
            assertFalse(PersistentReservations.conflicts(ScsiContext.EMPTY, A, cls), cls.name());
        }
    }

    @Test
    void registrationsWithoutReservationLeaveMediaAccessOpenButBlockReserveAndRelease() {
        ScsiContext ctx = registered(A, 0x11L);
        assertFalse(PersistentReservations.conflicts(ctx, B, ConflictClass.WRITE));
        assertFalse(PersistentReservations.conflicts(ctx, A, ConflictClass.READ));
        // SPC-4 5.14.3: with registrations present RESERVE/RELEASE conflict, even for the registrant
        assertTrue(PersistentReservations.conflicts(ctx, A, ConflictClass.SPC2_RESERVATION));
        assertTrue(PersistentReservations.conflicts(ctx, B, ConflictClass.SPC2_RESERVATION));
    }

    @Test
    void holderIsTheNexusNotTheInitiator() {
        ScsiContext ctx = ok(registered(A, 0x11L), A, reserve(0x11, EA));
        // same initiator port through another target port is a different, unregistered I_T nexus
        assertTrue(PersistentReservations.conflicts(ctx, A2, ConflictClass.READ));
    }

    @Test
    void spc2ReservationBlocksEveryOtherNexusExceptAllowedCommands() {
        ScsiContext ctx = PersistentReservations.reserve(ScsiContext.EMPTY, A).next();
        assertTrue(PersistentReservations.conflicts(ctx, B, ConflictClass.READ));
        assertTrue(PersistentReservations.conflicts(ctx, B, ConflictClass.WRITE));
        assertTrue(PersistentReservations.conflicts(ctx, A2, ConflictClass.WRITE));
        assertFalse(PersistentReservations.conflicts(ctx, B, ConflictClass.ALLOWED));
        // RESERVE/RELEASE decide for themselves: a RELEASE from a non-holder is GOOD (SPC-2 7.24)
        assertFalse(PersistentReservations.conflicts(ctx, B, ConflictClass.SPC2_RESERVATION));
        for (ConflictClass cls : ConflictClass.values()) {
            assertFalse(PersistentReservations.conflicts(ctx, A, cls), cls.name());
        }
    }
}
