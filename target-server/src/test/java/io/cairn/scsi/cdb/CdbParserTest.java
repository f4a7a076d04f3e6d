package io.cairn.scsi.cdb;

import static io.cairn.scsi.CoreFixture.cdb;
import static io.cairn.scsi.CoreFixture.rw10;
import static io.cairn.scsi.CoreFixture.rw16;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.SenseReason;
import org.junit.jupiter.api.Test;

class CdbParserTest {

    private static final long CAP = 1000;

    private static Cdb ok(byte[] raw, int len) {
        Decoded d = CdbParser.parse(raw, len, -1, 512, CAP);
        assertNull(d.error(), () -> "unexpected " + d.error());
        return d.cdb();
    }

    private static SenseReason fail(byte[] raw, int len, int sa) {
        Decoded d = CdbParser.parse(raw, len, sa, 512, CAP);
        assertNull(d.cdb());
        return d.error().reason();
    }

    @Test
    void read6ZeroLengthMeans256Blocks() {
        Cdb c = ok(cdb(6, 0x08, 1, 0xE0, 2, 0x01, 3, 0x02, 4, 0), 6);
        assertEquals(0x0102, c.lba()); // byte 1 bits 7..5 are not part of the LBA
        assertEquals(256, c.blocks());
        assertEquals(256 * 512, c.dataBytes());
    }

    @Test
    void read10FlagsLbaAndLength() {
        Cdb c = ok(rw10(0x28, 7, 3, 0x18), 10);
        assertEquals(7, c.lba());
        assertEquals(3, c.blocks());
        assertTrue(c.has(CdbFlag.FUA) && c.has(CdbFlag.DPO));
        assertEquals(3 * 512, c.dataBytes());
    }

    @Test
    void read12AndWrite16Decode() {
        byte[] r12 = cdb(12, 0xA8);
        BigEndian.put32(r12, 2, 10);
        BigEndian.put32(r12, 6, 5);
        Cdb c = ok(r12, 12);
        assertEquals(10, c.lba());
        assertEquals(5, c.blocks());
        Cdb w = ok(rw16(0x8A, 995, 5, 0x08), 16);
        assertEquals(995, w.lba());
        assertTrue(w.has(CdbFlag.FUA));
    }

    @Test
    void rangeCheckIsSharedAndOverflowSafe() {
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw10(0x28, 999, 2, 0), 10, -1));
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw16(0x88, -1L, 1, 0), 16, -1));
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw16(0x8A, 0x8000000000000000L, 1, 0), 16, -1));
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw10(0x28, CAP + 1, 0, 0), 10, -1));
        ok(rw10(0x28, CAP, 0, 0), 10); // zero blocks at the end is not out of range
        ok(rw10(0x28, 999, 1, 0), 10);
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw16(0x93, 990, 11, 0), 16, -1));
    }

    @Test
    void getLbaStatusChecksOnlyTheLba() {
        byte[] g = rw16(0x9E, CAP - 1, 0, 0x12);
        assertEquals(CAP - 1, CdbParser.parse(g, 16, 0x12, 512, CAP).cdb().lba());
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw16(0x9E, CAP, 0, 0x12), 16, 0x12));
    }

    @Test
    void protectFieldsAndReservedBytchkAreRefused() {
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x28, 0, 1, 0x20), 10, -1));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x2A, 0, 1, 0xE0), 10, -1));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x2F, 0, 1, 0x04), 10, -1));
        Decoded d = CdbParser.parse(rw10(0x2F, 0, 1, 0x20), 10, -1, 512, CAP);
        assertEquals(1, d.error().fieldPointer());
        assertTrue(d.error().inCdb());
    }

    @Test
    void verifyDataBytesFollowBytchk() {
        assertEquals(0, ok(rw10(0x2F, 0, 4, 0x00), 10).dataBytes());
        assertEquals(4 * 512, ok(rw10(0x2F, 0, 4, 0x02), 10).dataBytes());
        assertEquals(512, ok(rw10(0x2F, 0, 4, 0x06), 10).dataBytes());
    }

    @Test
    void shortCdbIsInvalid() {
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(new byte[] {0x28, 0, 0, 0}, 10, -1));
    }

    @Test
    void inquiryPageCodeWithoutEvpdIsInvalid() {
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(cdb(6, 0x12, 2, 0x80, 4, 0xff), 6, -1));
        Cdb c = ok(cdb(6, 0x12, 1, 1, 2, 0x83, 3, 0x01, 4, 0x00), 6);
        assertTrue(c.has(CdbFlag.EVPD));
        assertEquals(0x83, c.pageCode());
        assertEquals(256, c.allocationLength());
    }

    @Test
    void compareAndWriteCallsForTwiceTheBlocks() {
        byte[] b = cdb(16, 0x89, 1, 0x08, 13, 2);
        BigEndian.put64(b, 2, 5);
        Cdb c = ok(b, 16);
        assertEquals(2, c.blocks());
        assertEquals(2 * 2 * 512, c.dataBytes());
        assertTrue(c.has(CdbFlag.FUA));
    }

    @Test
    void modeSenseAndReportLunsFields() {
        Cdb ms = ok(cdb(10, 0x5A, 1, 0x18, 2, 0x4A, 3, 0, 7, 0x01, 8, 0x00), 10);
        assertEquals(1, ms.pageControl());
        assertEquals(0x0A, ms.pageCode());
        assertTrue(ms.has(CdbFlag.DBD) && ms.has(CdbFlag.LLBAA));
        assertEquals(256, ms.allocationLength());
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(cdb(12, 0xA0, 9, 8), 12, -1)); // allocation < 16
    }
}
