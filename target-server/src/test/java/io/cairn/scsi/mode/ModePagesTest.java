package io.cairn.scsi.mode;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** MODE SENSE / MODE SELECT through the core, and what the mode pages change. */
class ModePagesTest {

    private final CoreFixture f = new CoreFixture().loggedIn();

    private Reply sense6(ItNexusChoice n, int pc, int page, int alloc) {
        return f.run(n.nexus, cdb(6, 0x1A, 2, (pc << 6) | page, 4, alloc));
    }

    private enum ItNexusChoice {
        A(CoreFixture.A), B(CoreFixture.B);
        final io.cairn.scsi.ItNexus nexus;

        ItNexusChoice(io.cairn.scsi.ItNexus n) {
            nexus = n;
        }
    }

    private Reply select6(io.cairn.scsi.ItNexus n, byte[] page) {
        byte[] params = new byte[4 + page.length];
        System.arraycopy(page, 0, params, 4, page.length);
        return f.run(n, cdb(6, 0x15, 1, 0x10, 4, params.length), params);
    }

    @Test
    void allPagesWithBlockDescriptor() {
        Reply r = sense6(ItNexusChoice.A, 0, 0x3F, 255);
        byte[] d = r.data();
        assertEquals(d.length - 1, d[0] & 0xFF);
        assertEquals(0x10, d[2] & 0x90, "DPOFUA set, not write protected");
        assertEquals(8, d[3]);
        assertEquals(BLOCKS, BigEndian.get32(d, 4));
        assertEquals(512, BigEndian.get32(d, 8) & 0xFFFFFF);
        assertEquals(0x08, d[12]);
        assertEquals(0x0A, d[12 + 20]);
        assertEquals(0x1C, d[12 + 20 + 12]);
        assertEquals(4 + 8 + 20 + 12 + 12, d.length);
        assertEquals(4, sense6(ItNexusChoice.A, 0, 0x3F, 4).data().length, "truncated, no error");
    }

    @Test
    void pageControlValues() {
        byte[] changeable = sense6(ItNexusChoice.A, 1, 0x0A, 255).data();
        assertEquals(0x04, changeable[12 + 2], "D_SENSE changeable");
        assertEquals(0x08, changeable[12 + 4], "SWP changeable");
        assertEquals(0x04, sense6(ItNexusChoice.A, 1, 0x08, 255).data()[12 + 2], "WCE changeable");
        assertTrue(sense6(ItNexusChoice.A, 3, 0x0A, 255).is(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED));
        assertTrue(sense6(ItNexusChoice.A, 0, 0x19, 255).is(SenseReason.INVALID_FIELD_IN_CDB));
        Reply ten = f.run(A, cdb(10, 0x5A, 1, 0x10, 2, 0x08, 8, 0xff));
        assertEquals(1, ten.data()[4] & 1, "LONGLBA");
        assertEquals(16, BigEndian.get16(ten.data(), 6));
        assertEquals(BigEndian.get16(ten.data(), 0) + 2, ten.data().length);
    }

    @Test
    void selectRoundTripsAndRaisesModeParametersChangedForTheOtherNexus() {
        byte[] caching = ModePages.defaults(0x08);
        caching[2] &= ~0x04; // WCE off
        assertEquals(ScsiResult.GOOD, select6(A, caching).status());
        assertEquals(0, sense6(ItNexusChoice.A, 0, 0x08, 255).data()[4 + 8 + 2] & 0x04);
        assertTrue(f.run(B, "000000000000").is(SenseReason.MODE_PARAMETERS_CHANGED));
        assertEquals(ScsiResult.GOOD, f.run(A, "000000000000").status(), "not for the nexus that changed it");
        assertEquals(0, sense6(ItNexusChoice.B, 0, 0x08, 255).data()[4 + 8 + 2] & 0x04, "shared by nexuses");
    }

    private static final byte[] ONE_BLOCK = new byte[512];

    @Test
    void withTheWriteCacheTurnedOffEveryWriteIsDurable() {
        byte[] caching = ModePages.defaults(0x08);
        caching[2] &= ~0x04; // WCE off: SBC-4 6.5.5, a write completes only once on the medium
        assertEquals(ScsiResult.GOOD, select6(A, caching).status());
        f.run(B, "000000000000"); // MODE PARAMETERS CHANGED for the other nexus
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x2A, 5, 3, 8, 1), ONE_BLOCK).status());
        assertEquals(1, f.device.fuaWrites(), "a WRITE(10) without FUA is handled as FUA");
        int flushes = f.device.flushes();
        byte[] unmap = new byte[24];
        unmap[1] = 22;
        unmap[3] = 16;
        unmap[15] = 3; // LBA 3
        unmap[19] = 1; // one block
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x42, 8, 24), unmap).status());
        assertEquals(flushes + 1, f.device.flushes(), "an UNMAP is made durable before it completes");
        caching[2] |= 0x04;
        assertEquals(ScsiResult.GOOD, select6(A, caching).status());
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x2A, 5, 4, 8, 1), ONE_BLOCK).status());
        assertEquals(1, f.device.fuaWrites(), "with the cache on again, a write without FUA is not");
    }

    @Test
    void aDurableLunReportsNoWriteCacheAndCannotBeGivenOne() {
        f.device.setWriteCache(false);
        assertEquals(0, sense6(ItNexusChoice.A, 0, 0x08, 255).data()[4 + 8 + 2] & 0x04, "current WCE=0");
        assertEquals(0, sense6(ItNexusChoice.A, 1, 0x08, 255).data()[4 + 8 + 2] & 0x04, "WCE not changeable");
        assertEquals(0, sense6(ItNexusChoice.A, 2, 0x08, 255).data()[4 + 8 + 2] & 0x04, "default WCE=0");
        byte[] caching = ModePages.defaults(0x08); // asks for WCE=1
        assertTrue(select6(A, caching).is(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST));
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(10, 0x2A, 5, 3, 8, 1), ONE_BLOCK).status());
        assertEquals(1, f.device.fuaWrites(), "every write of a durable LUN is FUA");
        caching[2] &= ~0x04;
        assertEquals(ScsiResult.GOOD, select6(A, caching).status(), "WCE=0 is its value: selecting it is fine");
    }

    @Test
    void selectRefusesUnchangeableBitsAndBadLengths() {
        long versionBefore = f.store.appliedVersion(f.unit.id());
        byte[] control = ModePages.defaults(0x0A);
        control[5] |= 0x40; // TAS is not changeable
        assertTrue(select6(A, control).is(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST));
        byte[] shortPage = {0x0A, 0x04, 0, 0, 0, 0};
        assertTrue(select6(A, shortPage).is(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST));
        assertTrue(f.run(A, cdb(6, 0x15, 1, 0x11, 4, 0)).is(SenseReason.INVALID_FIELD_IN_CDB), "SP");
        assertEquals(versionBefore, f.store.appliedVersion(f.unit.id()), "nothing was stored");
        assertEquals(0, sense6(ItNexusChoice.A, 0, 0x0A, 255).data()[4 + 8 + 5] & 0x40);
    }

    @Test
    void swpWriteProtectsTheMediumButNotReads() {
        byte[] control = ModePages.defaults(0x0A);
        control[4] |= 0x08;
        assertEquals(ScsiResult.GOOD, select6(A, control).status());
        assertEquals(0x80, sense6(ItNexusChoice.A, 0, 0x0A, 255).data()[2] & 0x80, "WP in the header");
        assertTrue(f.run(A, rw10(0x2A, 0, 1, 0), new byte[512]).is(SenseReason.WRITE_PROTECTED));
        assertTrue(f.run(A, cdb(10, 0x42, 8, 0)).is(SenseReason.WRITE_PROTECTED));
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x28, 0, 1, 0)).status());
        control[4] &= ~0x08;
        assertEquals(ScsiResult.GOOD, select6(A, control).status());
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x2A, 0, 1, 0), new byte[512]).status());
    }

    @Test
    void dSenseSwitchesToDescriptorFormat() {
        byte[] control = ModePages.defaults(0x0A);
        control[2] |= 0x04;
        select6(A, control);
        Reply r = f.run(A, rw10(0x28, BLOCKS, 1, 0));
        assertEquals(0x72, r.sense()[0]);
        assertTrue(r.is(SenseReason.LBA_OUT_OF_RANGE));
    }
}
