package io.cairn.scsi.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;

import java.nio.ByteBuffer;
import java.util.List;

/** I_T nexuses, request builders and outcome assertions shared by the reservation tests. */
final class PrFixtures {

    static final String TARGET = "iqn.2024-01.io.cairn:lun0";
    static final String PORT_1 = TARGET + ",t,0x1";
    static final String PORT_2 = TARGET + ",t,0x2";
    static final ItNexus A = new ItNexus("iqn.1994-05.com.redhat:alpha,i,0x23d000000001", PORT_1, 1, 1);
    static final ItNexus B = new ItNexus("iqn.1994-05.com.redhat:beta,i,0x23d000000002", PORT_1, 1, 1);
    static final ItNexus C = new ItNexus("iqn.1994-05.com.redhat:gamma,i,0x23d000000003", PORT_2, 2, 2);
    /** Same initiator port as A, through the other target port: a distinct I_T nexus. */
    static final ItNexus A2 = new ItNexus(A.initiatorPort(), PORT_2, 2, 2);

    static final UnitAttention RES_PREEMPTED = ua(SenseReason.RESERVATIONS_PREEMPTED);
    static final UnitAttention RES_RELEASED = ua(SenseReason.RESERVATIONS_RELEASED);
    static final UnitAttention REG_PREEMPTED = ua(SenseReason.REGISTRATIONS_PREEMPTED);

    static final int WE = 1, EA = 3, WE_RO = 5, EA_RO = 6, WE_AR = 7, EA_AR = 8;

    private PrFixtures() {}

    static UnitAttention ua(SenseReason r) {
        return new UnitAttention(r.asc(), r.ascq());
    }

    static byte[] params(long key, long saKey, int flags) {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.putLong(key).putLong(saKey);
        b.put(20, (byte) flags);
        return b.array();
    }

    static PrOutRequest req(int sa, int type, long key, long saKey) {
        return new PrOutRequest(sa, 0, type, 24, params(key, saKey, 0));
    }

    static PrOutRequest register(long key, long saKey) {
        return req(PersistentReserveOut.REGISTER, 0, key, saKey);
    }

    static PrOutRequest registerIgnore(long saKey) {
        return req(PersistentReserveOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 0, saKey);
    }

    static PrOutRequest reserve(long key, int type) {
        return req(PersistentReserveOut.RESERVE, type, key, 0);
    }

    static PrOutRequest release(long key, int type) {
        return req(PersistentReserveOut.RELEASE, type, key, 0);
    }

    static PrOutRequest clear(long key) {
        return req(PersistentReserveOut.CLEAR, 0, key, 0);
    }

    static PrOutRequest preempt(long key, long saKey, int type) {
        return req(PersistentReserveOut.PREEMPT, type, key, saKey);
    }

    static PrOutRequest preemptAndAbort(long key, long saKey, int type) {
        return req(PersistentReserveOut.PREEMPT_AND_ABORT, type, key, saKey);
    }

    /** Applies {@code r} and expects GOOD; returns the next context (the same one if nothing changed). */
    static ScsiContext ok(ScsiContext ctx, ItNexus n, PrOutRequest r) {
        PrOutcome o = PersistentReservations.out(ctx, n, r);
        assertEquals(ScsiResult.GOOD, o.status(), () -> "expected GOOD, got " + o);
        assertNull(o.sense());
        return o.next() == null ? ctx : o.next();
    }

    static void conflict(ScsiContext ctx, ItNexus n, PrOutRequest r) {
        PrOutcome o = PersistentReservations.out(ctx, n, r);
        assertEquals(ScsiResult.RESERVATION_CONFLICT, o.status(), () -> "expected RESERVATION CONFLICT, got " + o);
        assertNull(o.next());
    }

    static void checkCondition(ScsiContext ctx, ItNexus n, PrOutRequest r, SenseReason reason) {
        PrOutcome o = PersistentReservations.out(ctx, n, r);
        assertEquals(ScsiResult.CHECK_CONDITION, o.status(), () -> "expected CHECK CONDITION, got " + o);
        assertEquals(reason, o.sense());
        assertNull(o.next());
    }

    static void unchanged(ScsiContext ctx, ItNexus n, PrOutRequest r) {
        PrOutcome o = PersistentReservations.out(ctx, n, r);
        assertEquals(ScsiResult.GOOD, o.status());
        assertNull(o.next(), "expected no change");
    }

    static List<UnitAttention> uas(ScsiContext ctx, ItNexus n) {
        return ctx.unitAttentions().getOrDefault(n.key(), List.of());
    }

    static List<Long> keys(ScsiContext ctx) {
        return ctx.registrations().stream().map(ScsiContext.PrRegistration::key).toList();
    }

    /** A context where each nexus is registered with the key at the same position. */
    static ScsiContext registered(Object... nexusAndKey) {
        ScsiContext ctx = ScsiContext.EMPTY;
        for (int i = 0; i < nexusAndKey.length; i += 2) {
            ctx = ok(ctx, (ItNexus) nexusAndKey[i], registerIgnore((Long) nexusAndKey[i + 1]));
        }
        return ctx;
    }

    static ScsiContext.PrReservation reservationOf(ScsiContext ctx) {
        assertNotNull(ctx.reservation(), "expected a reservation");
        return ctx.reservation();
    }
}
