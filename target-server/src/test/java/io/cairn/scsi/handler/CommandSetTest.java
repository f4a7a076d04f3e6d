package io.cairn.scsi.handler;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** REPORT SUPPORTED OPERATION CODES, REPORT LUNS, PREVENT ALLOW / START STOP, reservation handlers. */
class CommandSetTest {

    private final CoreFixture f = new CoreFixture().loggedIn();

    private Reply rsoc(int options, int opcode, int sa, boolean rctd) {
        byte[] c = cdb(12, 0xA3, 1, 0x0C, 2, (rctd ? 0x80 : 0) | options, 3, opcode, 9, 0xff, 8, 0xff);
        BigEndian.put16(c, 4, sa);
        return f.run(A, c);
    }

    @Test
    void allCommandsListsTheRegistry() {
        byte[] d = rsoc(0, 0, 0, false).data();
        int n = (int) BigEndian.get32(d, 0) / 8;
        assertEquals(f.core.registry().entries().size(), n);
        boolean sawRead10 = false;
        for (int i = 0; i < n; i++) {
            int at = 4 + 8 * i;
            if ((d[at] & 0xFF) == 0x28) {
                sawRead10 = true;
                assertEquals(10, BigEndian.get16(d, at + 6));
                assertEquals(0, d[at + 5] & 1);
            }
            if ((d[at] & 0xFF) == 0x9E) {
                assertEquals(1, d[at + 5] & 1, "SERVACTV");
            }
        }
        assertTrue(sawRead10);
        byte[] withTimeouts = rsoc(0, 0, 0, true).data();
        assertEquals(n * 20, BigEndian.get32(withTimeouts, 0));
        assertEquals(0x0A, BigEndian.get16(withTimeouts, 4 + 8));
    }

    @Test
    void oneCommandFormat() {
        byte[] d = rsoc(1, 0x28, 0, false).data();
        assertEquals(3, d[1] & 0x07, "supported");
        assertEquals(10, BigEndian.get16(d, 2));
        assertEquals(0x28, d[4] & 0xFF);
        assertEquals(0x18, d[5] & 0xFF, "DPO and FUA usage bits");
        assertEquals(1, rsoc(1, 0xC7, 0, false).data()[1] & 0x07, "unknown opcode: not supported");
        assertTrue(rsoc(1, 0x9E, 0x10, false).is(SenseReason.INVALID_FIELD_IN_CDB), "has service actions");
        byte[] rc16 = rsoc(2, 0x9E, 0x10, true).data();
        assertEquals(0x83, rc16[1] & 0xFF, "CTDP and supported");
        assertEquals(16 + 4 + 12, rc16.length);
        assertEquals(0x9E, rc16[4] & 0xFF);
        assertEquals(0x10, rc16[5] & 0xFF, "SPC-4 6.35.3: the service action code in its field, not a usage map");
        assertTrue(rsoc(2, 0x28, 0, false).is(SenseReason.INVALID_FIELD_IN_CDB), "no service actions");
    }

    @Test
    void reportLunsListsLunZero() {
        byte[] d = f.run(A, cdb(12, 0xA0, 9, 16)).data();
        assertEquals(8, BigEndian.get32(d, 0));
        assertEquals(0, BigEndian.get64(d, 8));
        assertTrue(f.run(A, cdb(12, 0xA0, 2, 0x10, 9, 16)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void preventBlocksEjectUntilAllowedOrReset() {
        byte[] eject = cdb(6, 0x1B, 4, 0x02);
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x1E, 4, 1)).status());
        assertTrue(f.run(A, eject).is(SenseReason.MEDIUM_REMOVAL_PREVENTED));
        assertTrue(f.run(B, eject).is(SenseReason.MEDIUM_REMOVAL_PREVENTED), "prevent is per LU");
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x1B, 1, 1, 4, 0x01)).status(), "start with IMMED");
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x1E, 4, 0)).status());
        assertEquals(ScsiResult.GOOD, f.run(A, eject).status());

        f.run(A, cdb(6, 0x1E, 4, 1));
        f.core.nexusLost(A, TARGET);
        assertEquals(ScsiResult.GOOD, f.run(B, eject).status(), "nexus loss cleared PREVENT");

        f.run(B, cdb(6, 0x1E, 4, 1));
        f.core.targetReset(A, TARGET, false).join();
        assertTrue(f.run(B, eject).is(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED));
        assertEquals(ScsiResult.GOOD, f.run(B, eject).status(), "target reset cleared PREVENT");
        assertTrue(f.run(B, cdb(6, 0x1E, 4, 2)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void persistentReserveHandlersDecodeAndCallTheRules() {
        byte[] params = new byte[24];
        byte[] out = cdb(10, 0x5F, 1, 0x06, 2, 0x13);
        BigEndian.put32(out, 5, 24);
        assertEquals(ScsiResult.GOOD, f.run(A, out, params).status());
        assertEquals(java.util.List.of("out 6"), f.reservations.calls);
        Reply in = f.run(A, cdb(10, 0x5E, 1, 0x00, 8, 0xff));
        assertEquals(7, in.data()[3]);
        assertTrue(f.run(A, cdb(10, 0x5E, 1, 0x04, 8, 0xff)).is(SenseReason.INVALID_FIELD_IN_CDB));
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x56)).status(), "RESERVE(10)");
        assertEquals(ScsiResult.RESERVATION_CONFLICT, f.run(B, cdb(6, 0x16)).status());
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x57)).status(), "RELEASE(10)");
        assertEquals(ScsiResult.GOOD, f.run(B, cdb(6, 0x16)).status());
    }
}
