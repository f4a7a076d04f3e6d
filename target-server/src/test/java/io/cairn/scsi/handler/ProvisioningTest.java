package io.cairn.scsi.handler;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** UNMAP, WRITE SAME, GET LBA STATUS, COMPARE AND WRITE. */
class ProvisioningTest {

    private final CoreFixture f = new CoreFixture().loggedIn();

    private static byte[] unmapList(long... lbaAndBlocks) {
        int n = lbaAndBlocks.length / 2;
        byte[] p = new byte[8 + 16 * n];
        BigEndian.put16(p, 0, p.length - 2);
        BigEndian.put16(p, 2, 16 * n);
        for (int i = 0; i < n; i++) {
            BigEndian.put64(p, 8 + 16 * i, lbaAndBlocks[2 * i]);
            BigEndian.put32(p, 16 + 16 * i, lbaAndBlocks[2 * i + 1]);
        }
        return p;
    }

    private Reply unmap(byte[] params) {
        return f.run(A, cdb(10, 0x42, 8, params.length), params);
    }

    private byte[] lbaStatus(long lba) {
        byte[] c = rw16(0x9E, lba, 0, 0x12);
        BigEndian.put32(c, 10, 8 + 16 * 4);
        Reply r = f.run(A, c);
        assertEquals(ScsiResult.GOOD, r.status());
        return r.data();
    }

    @Test
    void unmapThenGetLbaStatusShowsTheHole() {
        f.run(A, rw10(0x2A, 0, 16, 0), pattern(16 * 512, 2));
        assertEquals(ScsiResult.GOOD, unmap(unmapList(4, 4)).status());
        assertArrayEquals(new byte[512], f.device.block(5), "LBPRZ: unmapped reads zero");
        byte[] d = lbaStatus(0);
        assertEquals(0, BigEndian.get64(d, 8));
        assertEquals(4, BigEndian.get32(d, 16));
        assertEquals(0, d[20], "mapped");
        assertEquals(4, BigEndian.get64(d, 24));
        assertEquals(4, BigEndian.get32(d, 32));
        assertEquals(1, d[36], "deallocated");
        assertEquals(8, BigEndian.get64(d, 40));
        assertTrue(f.run(A, rw16(0x9E, BLOCKS, 0, 0x12)).is(SenseReason.LBA_OUT_OF_RANGE));
    }

    @Test
    void unmapValidatesTheListBeforeUnmappingAnything() {
        f.run(A, rw10(0x2A, 0, 1, 0), pattern(512, 3));
        assertEquals(ScsiResult.GOOD, unmap(new byte[0]).status());
        assertTrue(unmap(unmapList(0, 1, BLOCKS, 1)).is(SenseReason.LBA_OUT_OF_RANGE));
        assertTrue(unmap(new byte[4]).is(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        assertArrayEquals(pattern(512, 3), f.device.block(0), "the first descriptor was not applied");
        assertEquals(ScsiResult.GOOD, unmap(unmapList(0, 0)).status(), "zero blocks is not an error");
        assertTrue(f.run(A, cdb(10, 0x42, 1, 1, 8, 24), unmapList(0, 1)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void writeSameWritesThePatternAndUnmapsZeros() {
        byte[] block = pattern(512, 7);
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x41, 100, 3, 0), block).status());
        for (int i = 100; i < 103; i++) {
            assertArrayEquals(block, f.device.block(i));
        }
        assertEquals(ScsiResult.GOOD, f.run(A, rw16(0x93, 100, 3, 0x08), new byte[512]).status());
        assertEquals(1, lbaStatus(100)[20], "UNMAP with zeros deallocated");
        assertEquals(ScsiResult.GOOD, f.run(A, rw16(0x93, 200, 2, 0x01)).status(), "NDOB needs no Data-Out");
        assertTrue(f.run(A, rw10(0x41, 0, 0, 0), block).is(SenseReason.INVALID_FIELD_IN_CDB), "WSNZ");
        assertTrue(f.run(A, rw10(0x41, BLOCKS, 1, 0), block).is(SenseReason.LBA_OUT_OF_RANGE));
        assertTrue(f.run(A, rw16(0x93, -1L, 1, 0), block).is(SenseReason.LBA_OUT_OF_RANGE));
    }

    @Test
    void compareAndWriteMatchAndMiscompare() {
        byte[] old = pattern(2 * 512, 1);
        f.run(A, rw10(0x2A, 50, 2, 0), old);
        byte[] fresh = pattern(2 * 512, 99);
        byte[] cdb = rw16(0x89, 50, 0, 0);
        cdb[13] = 2;
        byte[] data = new byte[4 * 512];
        System.arraycopy(old, 0, data, 0, 1024);
        System.arraycopy(fresh, 0, data, 1024, 1024);
        Reply ok = f.run(A, cdb, data);
        assertEquals(ScsiResult.GOOD, ok.status());
        assertEquals(2048, ok.commandBytes());
        assertArrayEquals(java.util.Arrays.copyOf(fresh, 512), f.device.block(50));

        // compare against what is stored now (fresh), except one byte at offset 600
        byte[] stale = data.clone();
        System.arraycopy(fresh, 0, stale, 0, 1024);
        stale[600] ^= 0x55;
        Reply miss = f.run(A, cdb, stale);
        assertTrue(miss.is(SenseReason.MISCOMPARE_DURING_VERIFY));
        assertEquals(600, miss.information());
        assertArrayEquals(java.util.Arrays.copyOfRange(fresh, 512, 1024), f.device.block(51), "nothing written");

        byte[] none = rw16(0x89, 0, 0, 0);
        none[13] = 0; // SBC-4 5.3: zero blocks is not an error
        assertEquals(ScsiResult.GOOD, f.run(A, none).status());
        assertTrue(f.run(A, cdb, new byte[1024]).is(SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT));
    }
}
