package io.cairn.scsi.cdb;

import static io.cairn.scsi.CoreFixture.cdb;
import static io.cairn.scsi.CoreFixture.rw10;
import static io.cairn.scsi.CoreFixture.rw16;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.dispatch.OpcodeRegistry;
import org.junit.jupiter.api.Test;

/** Decoding from the CDB layout of each command's registry row. */
class CdbParserTest {

    private static final long CAP = 1000;
    private static final OpcodeRegistry TABLE = OpcodeRegistry.standard();

    /** The layout of the registry row that the CDB's opcode and {@code sa} name, which defines a {@code len}-byte CDB. */
    private static CdbLayout layout(byte[] raw, int len, int sa) {
        CdbLayout layout = TABLE.find(raw[0] & 0xFF, sa).layout();
        assertEquals(len, layout.length(), "CDB length of the row");
        return layout;
    }

    private static Decoded parse(byte[] raw, int len, int sa) {
        return CdbParser.parse(raw, layout(raw, len, sa), sa, 512, CAP);
    }

    private static Cdb ok(byte[] raw, int len) {
        Decoded d = parse(raw, len, -1);
        assertNull(d.error(), () -> "unexpected " + d.error());
        return d.cdb();
    }

    private static SenseReason fail(byte[] raw, int len, int sa) {
        Decoded d = parse(raw, len, sa);
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
        assertEquals(CAP - 1, parse(g, 16, 0x12).cdb().lba());
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, fail(rw16(0x9E, CAP, 0, 0x12), 16, 0x12));
    }

    @Test
    void protectFieldsAndReservedBytchkAreRefused() {
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x28, 0, 1, 0x20), 10, -1));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x2A, 0, 1, 0xE0), 10, -1));
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, fail(rw10(0x2F, 0, 1, 0x04), 10, -1));
        Decoded d = parse(rw10(0x2F, 0, 1, 0x20), 10, -1);
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

    @Test
    void transferLengthFieldPointerIsTheRowsField() {
        byte[] r12 = cdb(12, 0xA8);
        byte[] caw = cdb(16, 0x89, 13, 1);
        assertEquals(4, ok(cdb(6, 0x08, 4, 1), 6).transferLengthOffset());
        assertEquals(7, ok(rw10(0x28, 0, 1, 0), 10).transferLengthOffset());
        assertEquals(6, ok(r12, 12).transferLengthOffset());
        assertEquals(10, ok(rw16(0x88, 0, 1, 0), 16).transferLengthOffset());
        assertEquals(13, ok(caw, 16).transferLengthOffset(), "COMPARE AND WRITE's NUMBER OF LOGICAL BLOCKS");
        assertEquals(-1, ok(cdb(6, 0x12, 4, 36), 6).transferLengthOffset(), "INQUIRY has none");
    }

    @Test
    void aLayoutAloneDrivesDecodingAndTheSharedChecks() {
        // A command the table does not know: 12 bytes, a four-byte LBA in bytes 4..7, a two-byte
        // TRANSFER LENGTH in bytes 8..9, FUA in byte 1 bit 0, byte 2 bits 7..4 reserved, a small
        // field in byte 3 bits 5..3.
        CdbLayout layout = CdbLayout.of(12)
                .mustBeZero(2, 7, 4)
                .flag(CdbFlag.FUA, 1, 0)
                .value(CdbValue.PAGE_CODE, CdbField.bits(3, 5, 3))
                .lba(4, 4).transferLength(8, 2)
                .lbaCheck(CdbLayout.LbaCheck.EXTENT).data(DataLength.BLOCKS).build();
        byte[] raw = cdb(12, 0xC0, 1, 0x01, 3, 0x28, 11, 0x5A);
        BigEndian.put32(raw, 4, 990);
        BigEndian.put16(raw, 8, 10);
        Decoded d = CdbParser.parse(raw, layout, -1, 4096, CAP);
        assertNull(d.error());
        Cdb c = d.cdb();
        assertEquals(990, c.lba());
        assertEquals(10, c.blocks());
        assertEquals(10 * 4096, c.dataBytes());
        assertTrue(c.has(CdbFlag.FUA));
        assertEquals(5, c.pageCode());
        assertEquals(8, c.transferLengthOffset());
        assertEquals(0x5A, c.control());
        assertEquals(12, c.length());

        BigEndian.put16(raw, 8, 11);
        Sense range = CdbParser.parse(raw, layout, -1, 4096, CAP).error();
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, range.reason(), "the shared SBC-4 4.5 check");
        BigEndian.put32(raw, 4, 0xFFFFFFFFL);
        BigEndian.put16(raw, 8, 1);
        assertEquals(SenseReason.LBA_OUT_OF_RANGE, CdbParser.parse(raw, layout, -1, 4096, CAP).error().reason());

        BigEndian.put32(raw, 4, 0);
        raw[2] = 0x10;
        Sense reserved = CdbParser.parse(raw, layout, -1, 4096, CAP).error();
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB, reserved.reason());
        assertEquals(2, reserved.fieldPointer());
        assertEquals(7, reserved.bitPointer(), "the high bit of the field that must be zero");

        raw[2] = 0;
        assertEquals(SenseReason.INVALID_FIELD_IN_CDB,
                CdbParser.parse(java.util.Arrays.copyOf(raw, 10), layout, -1, 4096, CAP).error().reason(),
                "shorter than the layout");
    }

    @Test
    void aLayoutRefusesFieldsOutsideItsCdb() {
        assertThrows(IllegalArgumentException.class, () -> CdbLayout.of(10).lba(2, 4).transferLength(7, 3).build(),
                "a field over the CONTROL byte");
        assertThrows(IllegalArgumentException.class, () -> CdbLayout.of(6).lbaCheck(CdbLayout.LbaCheck.EXTENT).build(),
                "a range check without an LBA");
    }
}
