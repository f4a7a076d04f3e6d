package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * PERSISTENT RESERVE IN parameter data (SPC-4 6.15). Always the full data: the caller truncates
 * to the allocation length, and ADDITIONAL LENGTH reports the untruncated size (SPC-4 6.15.2).
 */
public final class PrInEncoder {

    public static final int READ_KEYS = 0x00;
    public static final int READ_RESERVATION = 0x01;
    public static final int REPORT_CAPABILITIES = 0x02;
    public static final int READ_FULL_STATUS = 0x03;

    /**
     * ALLOW COMMANDS 001b (SPC-4 6.15.4, Table 189): TEST UNIT READY is let through Write Exclusive
     * and Exclusive Access reservations; nothing is claimed about the footnote-b commands, whose
     * conflict class the opcode registry chooses.
     */
    static final int ALLOW_COMMANDS = 0b001;

    private PrInEncoder() {}

    /** The parameter data for {@code serviceAction}, or null if the service action is not supported. */
    public static byte[] encode(ScsiContext ctx, int serviceAction) {
        return switch (serviceAction) {
            case READ_KEYS -> readKeys(ctx);
            case READ_RESERVATION -> readReservation(ctx);
            case REPORT_CAPABILITIES -> reportCapabilities(ctx);
            case READ_FULL_STATUS -> readFullStatus(ctx);
            default -> null;
        };
    }

    /** SPC-4 6.15.2: PRGENERATION, ADDITIONAL LENGTH, then every registered key in registration order. */
    static byte[] readKeys(ScsiContext ctx) {
        int n = ctx.registrations().size();
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * n);
        b.putInt((int) ctx.prGeneration()).putInt(8 * n);
        for (PrRegistration r : ctx.registrations()) {
            b.putLong(r.key());
        }
        return b.array();
    }

    /** SPC-4 6.15.3: the reservation descriptor, if reserved; the key is zero for all registrants types. */
    static byte[] readReservation(ScsiContext ctx) {
        PrReservation res = ctx.reservation();
        ByteBuffer b = ByteBuffer.allocate(res == null ? 8 : 24);
        b.putInt((int) ctx.prGeneration()).putInt(res == null ? 0 : 16);
        if (res != null) {
            ReservationType type = ConflictTable.typeOf(res);
            b.putLong(type.allRegistrants() ? 0 : res.key()); // SPC-4 6.15.3.2
            b.putInt(0); // obsolete
            b.put((byte) 0);
            b.put((byte) type.code()); // SCOPE LU_SCOPE (0) in the high nibble
            b.putShort((short) 0); // obsolete
        }
        return b.array();
    }

    /** SPC-4 6.15.4, Table 188. */
    static byte[] reportCapabilities(ScsiContext ctx) {
        byte[] d = new byte[8];
        d[1] = 8; // LENGTH
        // CRH=1 (SPC-4 5.14.3 exceptions implemented), SIP_C=0, ATP_C=0, PTPL_C=1
        d[2] = 0x10 | 0x01;
        // TMV=1: the type mask and ALLOW COMMANDS are valid; PTPL_A mirrors the last APTPL bit
        d[3] = (byte) (0x80 | ALLOW_COMMANDS << 4 | (ctx.aptpl() ? 0x01 : 0));
        int mask = 0;
        for (ReservationType t : ReservationType.values()) {
            mask |= t.typeMaskBit();
        }
        d[4] = (byte) (mask >>> 8);
        d[5] = (byte) mask;
        return d;
    }

    /** SPC-4 6.15.5: one full status descriptor per registration, each with its initiator's TransportID. */
    static byte[] readFullStatus(ScsiContext ctx) {
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        PrReservation res = ctx.reservation();
        for (PrRegistration r : ctx.registrations()) {
            byte[] tid = IscsiTransportId.encode(r.initiatorPort());
            ByteBuffer d = ByteBuffer.allocate(24 + tid.length);
            d.putLong(r.key());
            d.putInt(0);
            boolean holder = res != null && holds(res, r);
            d.put((byte) (holder ? 0x01 : 0)); // ALL_TG_PT=0: registrations are per target port
            d.put((byte) (holder ? ConflictTable.typeOf(res).code() : 0));
            d.putInt(0);
            d.putShort((short) relativeTargetPortId(r.targetPort()));
            d.putInt(tid.length);
            d.put(tid);
            descriptors.writeBytes(d.array());
        }
        ByteBuffer b = ByteBuffer.allocate(8 + descriptors.size());
        b.putInt((int) ctx.prGeneration()).putInt(descriptors.size());
        b.put(descriptors.toByteArray());
        return b.array();
    }

    private static boolean holds(PrReservation res, PrRegistration r) {
        if (ConflictTable.typeOf(res).allRegistrants()) {
            return true; // SPC-4 5.14.10: every registrant holds an all registrants reservation
        }
        return res.initiatorPort().equals(r.initiatorPort()) && res.targetPort().equals(r.targetPort());
    }

    /**
     * The RELATIVE TARGET PORT IDENTIFIER of a target port, which a registration knows only by name:
     * Cairn numbers each iSCSI target port by its portal group tag, {@code <iqn>,t,0x<tpgt>}.
     */
    static int relativeTargetPortId(String targetPort) {
        int i = targetPort.lastIndexOf(",t,0x");
        if (i < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(targetPort.substring(i + 5), 16) & 0xFFFF;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
