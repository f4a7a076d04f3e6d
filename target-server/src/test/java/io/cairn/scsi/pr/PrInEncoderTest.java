package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.PrFixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.coord.scsi.ScsiContext;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Byte-level PERSISTENT RESERVE IN parameter data (SPC-4 6.15). */
class PrInEncoderTest {

    private static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @Test
    void readKeysEmpty() {
        assertArrayEquals(hex("00000000 00000000"), PersistentReservations.in(ScsiContext.EMPTY, 0));
    }

    @Test
    void readKeysListsKeysInRegistrationOrder() {
        ScsiContext ctx = registered(A, 0x0102030405060708L, B, 0xA1A2A3A4A5A6A7A8L);
        assertArrayEquals(hex("00000002 00000010 0102030405060708 A1A2A3A4A5A6A7A8"), PersistentReservations.in(ctx, 0));
    }

    @Test
    void readKeysAdditionalLengthIsTheFullLengthEvenWhenTruncated() {
        // libiscsi test_prin_read_keys_truncate: allocation length 8 still sees ADDITIONAL LENGTH 8
        byte[] full = PersistentReservations.in(registered(A, 0x55L), 0);
        byte[] truncated = Arrays.copyOf(full, 8);
        assertEquals(8, ByteBuffer.wrap(truncated).getInt(4));
    }

    @Test
    void readReservationUnreserved() {
        ScsiContext ctx = registered(A, 0x11L);
        assertArrayEquals(hex("00000001 00000000"), PersistentReservations.in(ctx, 1));
    }

    @Test
    void readReservationReportsHolderKeyScopeAndType() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), B, reserve(0x22, EA_RO));
        assertArrayEquals(hex("00000002 00000010 0000000000000022 00000000 00 06 0000"), PersistentReservations.in(ctx, 1));
    }

    @Test
    void readReservationReportsKeyZeroForAllRegistrants() {
        for (int type : new int[] {WE_AR, EA_AR}) {
            ScsiContext ctx = ok(registered(A, 0x11L), A, reserve(0x11, type));
            byte[] d = PersistentReservations.in(ctx, 1);
            assertEquals(24, d.length);
            assertEquals(0, ByteBuffer.wrap(d).getLong(8));
            assertEquals(type, d[21]);
        }
    }

    @Test
    void reportCapabilities() {
        // LENGTH 8; CRH, PTPL_C; TMV, ALLOW COMMANDS 001b; all six types: mask EA01h
        assertArrayEquals(hex("0008 11 90 EA01 0000"), PersistentReservations.in(ScsiContext.EMPTY, 2));
    }

    @Test
    void reportCapabilitiesShowsActivatedPersistThroughPowerLoss() {
        ScsiContext ctx = ok(ScsiContext.EMPTY, A, new PrOutRequest(0, 0, 0, 24, params(0, 0xAA, 0x01)));
        assertEquals((byte) 0x91, PersistentReservations.in(ctx, 2)[3]);
    }

    private static byte[] transportId(String port) {
        byte[] name = port.getBytes(StandardCharsets.US_ASCII);
        int padded = (name.length + 1 + 3) / 4 * 4;
        ByteBuffer b = ByteBuffer.allocate(4 + padded);
        b.put((byte) 0x45).put((byte) 0).putShort((short) padded).put(name);
        return b.array();
    }

    @Test
    void readFullStatusDescribesEveryRegistration() {
        ScsiContext ctx = ok(registered(A, 0x11L, C, 0x33L), C, reserve(0x33, WE));
        byte[] d = PersistentReservations.in(ctx, 3);
        ByteBuffer b = ByteBuffer.wrap(d);
        assertEquals(2, b.getInt(0));
        byte[] tidA = transportId(A.initiatorPort());
        byte[] tidC = transportId(C.initiatorPort());
        assertEquals(48 + tidA.length + tidC.length, b.getInt(4));
        assertEquals(8 + b.getInt(4), d.length);

        int a = 8;
        assertEquals(0x11, b.getLong(a));
        assertEquals(0, d[a + 12]); // not the holder, ALL_TG_PT=0
        assertEquals(0, d[a + 13]);
        assertEquals(1, b.getShort(a + 18)); // relative target port identifier = TPGT 1
        assertEquals(tidA.length, b.getInt(a + 20));
        assertArrayEquals(tidA, Arrays.copyOfRange(d, a + 24, a + 24 + tidA.length));

        int c = a + 24 + tidA.length;
        assertEquals(0x33, b.getLong(c));
        assertEquals(1, d[c + 12]); // R_HOLDER
        assertEquals(WE, d[c + 13]);
        assertEquals(2, b.getShort(c + 18));
        assertArrayEquals(tidC, Arrays.copyOfRange(d, c + 24, d.length));
    }

    @Test
    void readFullStatusMarksEveryRegistrantHolderOfAllRegistrantsReservation() {
        ScsiContext ctx = ok(registered(A, 0x11L, B, 0x22L), A, reserve(0x11, EA_AR));
        byte[] d = PersistentReservations.in(ctx, 3);
        int second = 8 + 24 + transportId(A.initiatorPort()).length;
        assertEquals(1, d[8 + 12]);
        assertEquals(EA_AR, d[8 + 13]);
        assertEquals(1, d[second + 12]);
        assertEquals(EA_AR, d[second + 13]);
    }

    @Test
    void transportIdIsFormat01WithIsidAndPadsShortNamesToTwentyFourBytes() {
        byte[] tid = IscsiTransportId.encode(A.initiatorPort());
        assertEquals(0x45, tid[0]);
        assertEquals(0, tid.length % 4);
        byte[] shortName = IscsiTransportId.encode("iqn.x");
        assertEquals(24, shortName.length); // ADDITIONAL LENGTH at least 20
        assertEquals(0x05, shortName[0]); // format 00b without ISID
        assertEquals(20, shortName[3]);
    }

    @Test
    void transportIdRoundTrips() {
        byte[] tid = IscsiTransportId.encode(B.initiatorPort());
        IscsiTransportId.Parsed p = IscsiTransportId.decode(tid, 0, tid.length);
        assertNotNull(p);
        assertEquals(B.initiatorPort(), p.name());
        byte[] nameOnly = IscsiTransportId.encode(B.initiatorName());
        IscsiTransportId.Parsed byName = IscsiTransportId.decode(nameOnly, 0, nameOnly.length);
        assertNotNull(byName);
        assertEquals(true, byName.matches(B.initiatorPort()));
        assertEquals(false, byName.matches(A.initiatorPort()));
        assertNull(IscsiTransportId.decode(tid, 0, 3));
    }

    @Test
    void unsupportedServiceActionsReturnNull() {
        // libiscsi test_prin_serviceaction_range: 0..3 work, 4..1Fh fail
        for (int sa = 0; sa < 4; sa++) {
            assertNotNull(PersistentReservations.in(ScsiContext.EMPTY, sa));
        }
        for (int sa = 4; sa < 0x20; sa++) {
            assertNull(PersistentReservations.in(ScsiContext.EMPTY, sa));
        }
    }
}
