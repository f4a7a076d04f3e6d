package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.coord.scsi.ScsiContext;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole command sequences of libiscsi's test-tool, replayed against the pure functions: what the
 * initiator sends and what it then checks through PERSISTENT RESERVE IN.
 */
class LibiscsiScenarioTest {

    /** READ RESERVATION as prin_verify_reserved_as sees it: reserved?, key, type. */
    private static long[] readReservation(ScsiContext ctx) {
        ByteBuffer b = ByteBuffer.wrap(PersistentReservations.in(ctx, PrInEncoder.READ_RESERVATION));
        if (b.getInt(4) == 0) {
            return null;
        }
        return new long[] {b.getLong(8), b.get(21) & 0x0F};
    }

    @ParameterizedTest
    @ValueSource(ints = {WE, EA, WE_RO, EA_RO, WE_AR, EA_AR})
    void reserveOwnership(int type) {
        // test_prout_reserve_ownership.c (tgt fails these)
        boolean shared = type == WE_AR || type == EA_AR;
        long key1 = 0x1111_0000_0000_0001L;
        long key2 = 0x2222_0000_0000_0002L;
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, registerIgnore(key1));
        ctx = ok(ctx, B, registerIgnore(key2));
        ctx = ok(ctx, A, reserve(key1, type));
        assertEquals(shared ? 0 : key1, readReservation(ctx)[0]);
        assertEquals(type, readReservation(ctx)[1]);
        ctx = ok(ctx, A, register(key1, 0));
        if (shared) {
            assertEquals(0, readReservation(ctx)[0]);
            assertEquals(type, readReservation(ctx)[1]);
            ctx = ok(ctx, B, release(key2, type));
        } else {
            assertNull(readReservation(ctx));
        }
        ctx = ok(ctx, B, register(key2, 0));
        assertNull(readReservation(ctx));
        assertEquals(0, ctx.registrations().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {WE, EA, WE_RO, EA_RO, WE_AR, EA_AR})
    void reportCapsReserveReleaseLoop(int type) {
        // test_prin_report_caps_simple: every advertised type reserves and releases in turn
        int mask = ByteBuffer.wrap(PersistentReservations.in(ScsiContext.EMPTY, 2)).getShort(4) & 0xFFFF;
        int bit = ReservationType.of(type).typeMaskBit();
        assertEquals(bit, mask & bit);
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, registerIgnore(0x77));
        ctx = ok(ctx, A, reserve(0x77, type));
        assertEquals(type, readReservation(ctx)[1]);
        ctx = ok(ctx, A, release(0x77, type));
        assertNull(readReservation(ctx));
        ctx = ok(ctx, A, register(0x77, 0));
        assertEquals(0, ctx.registrations().size());
    }
}
