package io.cairn.scsi.handler;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** READ, WRITE, WRITE AND VERIFY, VERIFY, PRE-FETCH, SYNCHRONIZE CACHE. */
class MediumAccessTest {

    private final CoreFixture f = new CoreFixture().loggedIn();

    @Test
    void writeThenReadRoundTripsInEveryCdbSize() {
        byte[] data = pattern(2 * 512, 9);
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2A, 10, 2, 0x08), data).status());
        assertEquals(1, f.device.fuaWrites(), "FUA reached the device");
        Reply r10 = f.run(A, rw10(0x28, 10, 2, 0x10));
        assertArrayEquals(data, r10.data());
        assertEquals(1024, r10.commandBytes());
        assertArrayEquals(data, f.run(A, rw16(0x88, 10, 2, 0)).data());
        byte[] r12 = cdb(12, 0xA8);
        BigEndian.put32(r12, 2, 10);
        BigEndian.put32(r12, 6, 2);
        assertArrayEquals(data, f.run(A, r12).data());
        assertArrayEquals(java.util.Arrays.copyOf(data, 512), f.run(A, cdb(6, 0x08, 3, 10, 4, 1)).data());

        byte[] w6 = pattern(512, 4);
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x0A, 3, 20, 4, 1), w6).status());
        assertArrayEquals(w6, f.device.block(20));
        byte[] w16 = pattern(512, 5);
        assertEquals(ScsiResult.GOOD, f.run(A, rw16(0x8A, BLOCKS - 1, 1, 0), w16).status());
        assertArrayEquals(w16, f.device.block(BLOCKS - 1));
    }

    @Test
    void outOfRangeAndZeroLength() {
        assertTrue(f.run(A, rw10(0x28, BLOCKS, 1, 0)).is(SenseReason.LBA_OUT_OF_RANGE));
        assertTrue(f.run(A, rw16(0x8A, BLOCKS - 1, 2, 0), new byte[1024]).is(SenseReason.LBA_OUT_OF_RANGE));
        Reply zero = f.run(A, rw10(0x28, 0, 0, 0));
        assertEquals(ScsiResult.GOOD, zero.status());
        assertNull(zero.data());
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2A, 0, 0, 0)).status());
    }

    @Test
    void writeAndVerifyWritesDurably() {
        byte[] data = pattern(512, 11);
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2E, 5, 1, 0x02), data).status());
        assertArrayEquals(data, f.device.block(5));
        assertEquals(1, f.device.fuaWrites());
    }

    @Test
    void verifyComparesAndReportsTheMiscompareOffset() {
        byte[] data = pattern(2 * 512, 13);
        f.run(A, rw10(0x2A, 30, 2, 0), data);
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2F, 30, 2, 0x02), data).status());
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2F, 30, 2, 0x00)).status(), "BYTCHK 0: no compare");
        byte[] wrong = data.clone();
        wrong[700] ^= 1;
        Reply r = f.run(A, rw16(0x8F, 30, 2, 0x02), wrong);
        assertTrue(r.is(SenseReason.MISCOMPARE_DURING_VERIFY));
        assertEquals(700, r.information());
        // BYTCHK 11b: one block compared against each block
        byte[] same = pattern(512, 1);
        f.run(A, rw10(0x2A, 40, 1, 0), same);
        f.run(A, rw10(0x2A, 41, 1, 0), same);
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2F, 40, 2, 0x06), same).status());
        Reply miss = f.run(A, rw10(0x2F, 39, 2, 0x06), same);
        assertEquals(0, miss.information());
    }

    @Test
    void prefetchAndSynchronizeCache() {
        assertEquals(ScsiResult.CONDITION_MET, f.run(A, rw10(0x34, 0, 8, 0)).status());
        assertEquals(ScsiResult.CONDITION_MET, f.run(A, rw16(0x90, 0, 8, 0x02)).status());
        assertTrue(f.run(A, rw10(0x34, BLOCKS, 1, 0)).is(SenseReason.LBA_OUT_OF_RANGE));
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x35, 0, 0, 0)).status());
        assertEquals(ScsiResult.GOOD, f.run(A, rw16(0x91, 0, 0, 0)).status());
        assertEquals(2, f.device.flushes());
    }

    @Test
    void readDefectDataIsAnEmptyList() {
        Reply r = f.run(A, cdb(10, 0x37, 2, 0x1D, 8, 0xff));
        assertEquals(ScsiResult.GOOD, r.status());
        assertEquals(4, r.data().length);
        assertEquals(0, BigEndian.get16(r.data(), 2));
    }
}
