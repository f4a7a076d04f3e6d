package io.cairn.scsi.handler;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InquiryHandlerTest {

    private final CoreFixture f = new CoreFixture().loggedIn();

    private byte[] vpd(int page) {
        Reply r = f.run(A, cdb(6, 0x12, 1, 1, 2, page, 3, 0x01, 4, 0));
        assertEquals(ScsiResult.GOOD, r.status());
        assertEquals(page, r.data()[1] & 0xFF);
        assertEquals(r.data().length, BigEndian.get16(r.data(), 2) + 4, "page length matches the data");
        return r.data();
    }

    @Test
    void standardDataIdentifiesAnSpc4DiskWithImplicitAlua() {
        Reply r = f.run(A, cdb(6, 0x12, 4, 0xff));
        byte[] d = r.data();
        assertEquals(74, d.length);
        assertEquals(74, r.commandBytes(), "Data-In shorter than the allocation length");
        assertEquals(0, d[0]);
        assertEquals(0x06, d[2]);
        assertEquals(2, d[3] & 0x0F);
        assertEquals(0x10, d[5] & 0x30, "TPGS implicit");
        assertEquals("CAIRN   ", new String(d, 8, 8, StandardCharsets.US_ASCII));
        assertEquals("DISTRIBUTED LUN ", new String(d, 16, 16, StandardCharsets.US_ASCII));
        assertEquals(0x0460, BigEndian.get16(d, 60), "SPC-4 version descriptor");
        assertEquals(0x04C0, BigEndian.get16(d, 62), "SBC-3 version descriptor");
    }

    @Test
    void allocationLengthTruncates() {
        assertEquals(5, f.run(A, cdb(6, 0x12, 4, 5)).data().length);
    }

    @Test
    void supportedPagesAreSortedAndAllAnswer() {
        byte[] d = vpd(0x00);
        int n = d[3];
        for (int i = 1; i < n; i++) {
            assertTrue((d[4 + i - 1] & 0xFF) < (d[4 + i] & 0xFF));
        }
        for (int i = 0; i < n; i++) {
            vpd(d[4 + i] & 0xFF);
        }
        assertTrue(f.run(A, cdb(6, 0x12, 1, 1, 2, 0x89, 4, 0xff)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void serialAndNaaComeFromTheLogicalUnit() {
        assertEquals("CAIRN0001", new String(vpd(0x80), 4, 9, StandardCharsets.US_ASCII));
        byte[] d = vpd(0x83);
        // first designator: NAA, binary, LU association, 16 bytes
        assertEquals(0x01, d[4] & 0x0F);
        assertEquals(0x03, d[5]);
        assertEquals(16, d[7]);
        assertEquals(0x60, d[8] & 0xFF);
        // second: SCSI name string of the target port
        int at = 8 + 16;
        assertEquals(0x53, d[at]);
        assertEquals((byte) 0x98, d[at + 1]);
        int len = d[at + 3];
        assertEquals(0, len % 4);
        String name = new String(d, at + 4, len, StandardCharsets.UTF_8).trim().replace("\0", "");
        assertEquals(TARGET + ",t,0x0001", name);
        // relative target port and target port group follow
        at += 4 + len;
        assertEquals((byte) 0x94, d[at + 1]);
        assertEquals(1, BigEndian.get16(d, at + 6));
        at += 8;
        assertEquals((byte) 0x95, d[at + 1]);
        assertEquals(1, BigEndian.get16(d, at + 6));
    }

    @Test
    void blockLimitsAndProvisioning() {
        byte[] bl = vpd(0xB0);
        assertEquals(0x3C, bl[3]);
        assertEquals(1, bl[4] & 1, "WSNZ");
        assertEquals(255, bl[5] & 0xFF);
        assertEquals(8192, BigEndian.get32(bl, 8));
        assertTrue(BigEndian.get32(bl, 20) > 0 && BigEndian.get32(bl, 24) > 0);
        assertEquals(65535, BigEndian.get64(bl, 36));
        assertEquals(1, BigEndian.get16(vpd(0xB1), 4), "non-rotating");
        byte[] lbp = vpd(0xB2);
        assertEquals(0xE4, lbp[5] & 0xFF, "LBPU LBPWS LBPWS10 LBPRZ");
        assertEquals(2, lbp[6] & 0x07, "thin provisioned");
    }

    @Test
    void readCapacityReportsSizeAndThinProvisioning() {
        byte[] rc10 = f.run(A, cdb(10, 0x25)).data();
        assertEquals(BLOCKS - 1, BigEndian.get32(rc10, 0));
        assertEquals(512, BigEndian.get32(rc10, 4));
        byte[] rc16 = f.run(A, cdb(16, 0x9E, 1, 0x10, 13, 32)).data();
        assertEquals(32, rc16.length);
        assertEquals(BLOCKS - 1, BigEndian.get64(rc16, 0));
        assertEquals(0xC0, rc16[14] & 0xC0);
    }

    @Test
    void reportTargetPortGroupsNamesThePortOfTheNexus() {
        byte[] d = f.run(A, cdb(12, 0xA3, 1, 0x0A, 9, 0xff)).data();
        assertEquals(d.length - 4, BigEndian.get32(d, 0));
        assertEquals(0x00, d[4] & 0x0F, "active/optimized");
        assertEquals(1, BigEndian.get16(d, 6));
        assertEquals(1, d[11]);
        assertEquals(1, BigEndian.get16(d, 14));
    }
}
