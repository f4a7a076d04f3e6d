package io.cairn.scsi.core;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.BigEndian;
import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.CoreFixture.Reply;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import io.cairn.scsi.PortGroups;
import io.cairn.scsi.ScsiCommand;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.TaskAborter;
import org.junit.jupiter.api.Test;

/** The pre-dispatch pipeline through {@link DefaultScsiCore}. */
class DefaultScsiCoreTest {

    private final CoreFixture f = new CoreFixture();

    @Test
    void unitAttentionsAreReportedOldestFirstAndNotToInquiryOrReportLuns() {
        f.loggedIn();
        f.core.logicalUnitReset(B, TARGET, 0).join(); // A gets BUS DEVICE RESET
        assertTrue(f.run(B, "000000000000").is(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED), "B too");
        // mode change by B: A also gets MODE PARAMETERS CHANGED, queued after the reset
        byte[] control = io.cairn.scsi.mode.ModePages.defaults(0x0A, true);
        control[2] |= 0x04;
        byte[] params = new byte[4 + control.length];
        System.arraycopy(control, 0, params, 4, control.length);
        assertEquals(ScsiResult.GOOD, f.run(B, cdb(6, 0x15, 1, 0x10, 4, params.length), params).status());

        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x12, 4, 36)).status());
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(12, 0xA0, 9, 64)).status());
        assertTrue(f.run(A, "000000000000").is(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED));
        Reply second = f.run(A, "000000000000");
        assertTrue(second.is(SenseReason.MODE_PARAMETERS_CHANGED));
        assertEquals(0x72, second.sense()[0], "D_SENSE now set: descriptor format");
        assertEquals(ScsiResult.GOOD, f.run(A, "000000000000").status());
        assertEquals(ScsiResult.GOOD, f.run(B, "000000000000").status(), "B's condition was reported above");
    }

    @Test
    void aGatewayWhoseContextIsNotCurrentAdmitsNoIoUntilItIs() {
        f.loggedIn();
        f.store.setReachable(false); // ZooKeeper session suspended or lost
        assertEquals(ScsiResult.BUSY, f.run(A, rw10(0x28, 0, 1, 0)).status(), "no read on possibly stale reservations");
        assertEquals(ScsiResult.BUSY, f.run(A, rw10(0x2A, 0, 1, 0), pattern(512, 9)).status(), "no write either");
        assertArrayEquals(new byte[512], f.device.block(0), "nothing written");
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x12, 4, 36)).status(), "INQUIRY still answers");
        f.store.setReachable(true); // caught up again
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x28, 0, 1, 0)).status());
    }

    @Test
    void requestSenseReturnsAndClearsTheUnitAttention() {
        f.loggedIn();
        f.core.logicalUnitReset(B, TARGET, 0).join(); // A gets BUS DEVICE RESET FUNCTION OCCURRED
        Reply rs = f.run(A, cdb(6, 0x03, 4, 18));
        assertEquals(ScsiResult.GOOD, rs.status());
        assertEquals(0x06, rs.data()[2] & 0x0F);
        assertEquals(0x29, rs.data()[12]);
        Reply none = f.run(A, cdb(6, 0x03, 4, 18));
        assertEquals(0, none.data()[2]);
        assertEquals(ScsiResult.GOOD, f.run(A, "000000000000").status());
    }

    @Test
    void unknownLunAnswersInquiryWithQualifier3AndRefusesTheRest() {
        f.loggedIn();
        Reply inq = f.run(A, 5, cdb(6, 0x12, 4, 36), null);
        assertEquals(ScsiResult.GOOD, inq.status());
        assertEquals(0x7F, inq.data()[0] & 0xFF);
        assertTrue(f.run(A, 5, cdb(6, 0x00), null).is(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED));
        Reply rs = f.run(A, 5, cdb(6, 0x03, 4, 18), null);
        assertEquals(0x25, rs.data()[12]);
        byte[] data = new byte[512];
        assertTrue(f.run(A, 5, rw10(0x2A, 0, 1, 0), data).is(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED));
        Reply luns = f.run(A, 5, cdb(12, 0xA0, 9, 64), null);
        assertEquals(8, luns.data()[3]);
    }

    @Test
    void unknownOpcodeAndUnknownServiceAction() {
        f.loggedIn();
        assertTrue(f.run(A, cdb(6, 0x04)).is(SenseReason.INVALID_COMMAND_OPERATION_CODE));
        assertTrue(f.run(A, cdb(16, 0x9E, 1, 0x1F)).is(SenseReason.INVALID_FIELD_IN_CDB));
    }

    @Test
    void shortDataOutWritesTheWholeBlocksReceivedAndReportsWhatTheCdbAskedFor() {
        f.loggedIn();
        byte[] data = pattern(512, 1);
        Reply r = f.run(A, rw10(0x2A, 3, 2, 0), data);
        assertEquals(ScsiResult.GOOD, r.status());
        assertEquals(1024, r.commandBytes(), "the transport reports a residual overflow of one block");
        assertArrayEquals(data, f.device.block(3));
        assertArrayEquals(new byte[512], f.device.block(4), "the block not sent is not written");
        Reply none = f.run(A, rw10(0x2A, 5, 1, 0), null);
        assertEquals(ScsiResult.GOOD, none.status(), "no Data-Out at all: nothing to write");
        assertArrayEquals(new byte[512], f.device.block(5));
    }

    @Test
    void partialBlockOfDataOutIsRefusedAndNothingIsWritten() {
        f.loggedIn();
        Reply r = f.run(A, rw10(0x2A, 3, 2, 0), pattern(200, 1));
        assertTrue(r.is(SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT));
        assertArrayEquals(new byte[512], f.device.block(3));
    }

    @Test
    void excessDataOutIsIgnored() {
        f.loggedIn();
        byte[] data = pattern(1024, 3);
        Reply r = f.run(A, rw10(0x2A, 3, 1, 0), data);
        assertEquals(ScsiResult.GOOD, r.status());
        assertEquals(512, r.commandBytes());
        assertArrayEquals(java.util.Arrays.copyOf(data, 512), f.device.block(3));
        assertArrayEquals(new byte[512], f.device.block(4));
    }

    @Test
    void everyWriteOfTheFamilyWritesTheWholeBlocksReceivedAndNoOtherDataOutCommandDoes() {
        f.loggedIn();
        byte[] w6 = cdb(6, 0x0A, 3, 20, 4, 2);
        byte[] w12 = cdb(12, 0xAA);
        BigEndian.put32(w12, 2, 20);
        BigEndian.put32(w12, 6, 2);
        byte[] wv12 = w12.clone();
        wv12[0] = (byte) 0xAE;
        byte[][] family = {w6, rw10(0x2A, 20, 2, 0), w12, rw16(0x8A, 20, 2, 0), rw10(0x2E, 20, 2, 0), wv12,
            rw16(0x8E, 20, 2, 0)};
        for (byte[] write : family) {
            String name = String.format("opcode %02x", write[0] & 0xFF);
            byte[] data = pattern(512, write[0]);
            Reply r = f.run(A, write, data);
            assertEquals(ScsiResult.GOOD, r.status(), name);
            assertEquals(1024, r.commandBytes(), name + ": the CDB's length, for the residual overflow");
            assertArrayEquals(data, f.device.block(20), name);
            assertArrayEquals(new byte[512], f.device.block(21), name + ": the block not sent is not written");
        }
        // VERIFY with BYTCHK=1 and WRITE SAME also take Data-Out for the medium, but not a short one
        assertTrue(f.run(A, rw10(0x2F, 20, 2, 0x02), pattern(512, 1)).is(SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT));
        assertTrue(f.run(A, rw10(0x41, 30, 2, 0), null).is(SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT));
        assertArrayEquals(new byte[512], f.device.block(30), "WRITE SAME without its block wrote nothing");
    }

    @Test
    void compareAndWriteOfZeroBlocksWithDataOutPointsAtItsBlockCount() {
        f.loggedIn();
        byte[] caw = rw16(0x89, 40, 0, 0);
        caw[13] = 0; // libiscsi's 256 blocks, wrapped to 0
        Reply r = f.run(A, caw, pattern(1024, 5));
        assertTrue(r.is(SenseReason.INVALID_FIELD_IN_CDB));
        assertEquals((byte) (0x80 | 0x40 | 0x08 | 7), r.sense()[15], "SKSV, C/D, BPV, bit 7");
        assertEquals(13, ((r.sense()[16] & 0xFF) << 8) | (r.sense()[17] & 0xFF), "NUMBER OF LOGICAL BLOCKS");
        assertArrayEquals(new byte[512], f.device.block(40), "nothing written");
        assertEquals(ScsiResult.GOOD, f.run(A, caw).status(), "without Data-Out, zero blocks is no error");
        byte[] w16 = rw16(0x8A, 40, 0, 0);
        assertEquals(ScsiResult.GOOD, f.run(A, w16, pattern(512, 5)).status(), "WRITE(16) ignores the excess");
        assertArrayEquals(new byte[512], f.device.block(40));
    }

    @Test
    void anUnsupportedCommandMeetsTheMissingLunAndThePendingUnitAttentionFirst() {
        f.loggedIn();
        assertTrue(f.run(A, 5, cdb(6, 0x04), null).is(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED));
        assertTrue(f.run(A, 5, cdb(16, 0x9E, 1, 0x1F), null).is(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED));
        f.core.logicalUnitReset(B, TARGET, 0).join(); // A gets BUS DEVICE RESET
        assertTrue(f.run(A, cdb(6, 0x04)).is(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED));
        assertTrue(f.run(A, cdb(6, 0x04)).is(SenseReason.INVALID_COMMAND_OPERATION_CODE));
        f.store.setReachable(false); // an unsupported command is no exemption from failing closed
        assertEquals(ScsiResult.BUSY, f.run(A, cdb(6, 0x04)).status());
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x03, 4, 18)).status(), "REQUEST SENSE still answers");
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(12, 0xA0, 9, 64)).status(), "REPORT LUNS still answers");
    }

    @Test
    void spc2ReservationConflictsForTheOtherNexus() {
        f.loggedIn();
        assertEquals(ScsiResult.GOOD, f.run(A, cdb(6, 0x16)).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, f.run(B, rw10(0x28, 0, 1, 0)).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, f.run(B, rw10(0x2A, 0, 1, 0), new byte[512]).status());
        assertEquals(ScsiResult.GOOD, f.run(B, cdb(6, 0x12, 4, 36)).status(), "INQUIRY never conflicts");
        assertEquals(ScsiResult.GOOD, f.run(A, rw10(0x28, 0, 1, 0)).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, f.run(B, cdb(6, 0x16)).status());
        f.core.logicalUnitReset(A, TARGET, 0).join();
        assertTrue(f.run(B, rw10(0x28, 0, 1, 0)).is(SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED));
        assertEquals(ScsiResult.GOOD, f.run(B, rw10(0x28, 0, 1, 0)).status(), "reset released the reservation");
    }

    @Test
    void aluaStandbyRefusesMediumAccessButNotInquiry() {
        ScsiCoreConfig standby = ScsiCoreConfig.defaults().withPortGroups(PortGroups.single(AluaState.STANDBY));
        LunDirectory dir = new LunDirectory() {
            public java.util.Optional<LogicalUnit> find(String t, long l) {
                return java.util.Optional.of(f.unit);
            }

            public java.util.List<Long> luns(String t) {
                return java.util.List.of(0L);
            }
        };
        DefaultScsiCore core = new DefaultScsiCore(dir, f.store, standby, f.reservations, TaskAborter.NONE, Runnable::run);
        ScsiResult read = core.execute(new ScsiCommand(A, TARGET, 0, rw10(0x28, 0, 1, 0), 1, 512, null)).join();
        assertEquals(ScsiResult.CHECK_CONDITION, read.status());
        assertEquals(0x02, read.sense()[2]);
        assertEquals(0x04, read.sense()[12]);
        assertEquals(0x0B, read.sense()[13]);
        ScsiResult inq = core.execute(new ScsiCommand(A, TARGET, 0, cdb(6, 0x12, 4, 36), 1, 36, null)).join();
        assertEquals(ScsiResult.GOOD, inq.status());
        inq.dataIn().release();
    }

    @Test
    void failedDeviceMapsToMediumError() {
        f.loggedIn();
        io.cairn.scsi.handler.Outcome o = DefaultScsiCore.failure(new java.util.concurrent.CompletionException(
                new io.cairn.block.BlockDeviceException(io.cairn.block.BlockDeviceException.Kind.MEDIUM_ERROR, "x")),
                f.core.registry().find(0x28, -1));
        assertEquals(SenseReason.UNRECOVERED_READ_ERROR, o.sense().reason());
        o = DefaultScsiCore.failure(new io.cairn.coord.CoordinationUnavailableException("zk", null), null);
        assertEquals(ScsiResult.BUSY, o.status());
    }
}
