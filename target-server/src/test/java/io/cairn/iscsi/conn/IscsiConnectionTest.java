package io.cairn.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.iscsi.target.IscsiTargets;
import io.cairn.iscsi.login.AuthConfig;
import io.cairn.iscsi.pdu.Opcode;
import io.cairn.iscsi.pdu.PduBytes;
import io.cairn.iscsi.pdu.PduDecoder;
import io.cairn.iscsi.pdu.PduEncoder;
import io.cairn.iscsi.pdu.PduLimits;
import io.cairn.iscsi.session.SessionRegistry;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.ScsiCommand;
import io.cairn.scsi.ScsiCore;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One connection through the real pipeline (decoder, encoder, {@link IscsiConnection}) in an
 * EmbeddedChannel, with a scripted SCSI core: login, reads with status in Data-In, writes with
 * immediate data and R2T, CmdSN window, Reject, NOP, ABORT TASK, logout.
 */
class IscsiConnectionTest {

    private static final String TARGET = "iqn.2026-11.io.cairn:test";

    /** A SCSI core that records commands and answers from a script the test sets. */
    static final class ScriptedCore implements ScsiCore {
        final List<ScsiCommand> commands = new ArrayList<>();
        final List<byte[]> dataOut = new ArrayList<>();
        CompletableFuture<ScsiResult> next;
        byte[] readData = new byte[0];
        int created;
        int lost;
        /** What nexusLost answers; completed unless a test holds the release. */
        CompletableFuture<Void> release = CompletableFuture.completedFuture(null);

        @Override
        public CompletableFuture<ScsiResult> execute(ScsiCommand command) {
            commands.add(command);
            if (command.dataOut() != null) {
                dataOut.add(ByteBufUtil.getBytes(command.dataOut()));
                command.dataOut().release();
            } else {
                dataOut.add(null);
            }
            if (next != null) {
                CompletableFuture<ScsiResult> r = next;
                next = null;
                return r;
            }
            int op = command.cdb()[0] & 0xff;
            if (op == 0x28) {
                return CompletableFuture.completedFuture(new ScsiResult(ScsiResult.GOOD, null,
                        Unpooled.copiedBuffer(readData), readData.length));
            }
            return CompletableFuture.completedFuture(new ScsiResult(ScsiResult.GOOD, null, null,
                    op == 0x2a ? 512L * (command.cdb()[8] & 0xff) : 0));
        }

        @Override
        public CompletableFuture<ScsiResult> fail(ScsiCommand command, SenseReason reason) {
            if (command.dataOut() != null) {
                command.dataOut().release();
            }
            return CompletableFuture.completedFuture(new ScsiResult(ScsiResult.CHECK_CONDITION,
                    new byte[] {0x70, 0, (byte) reason.key(), 0, 0, 0, 0, 10, 0, 0, 0, 0, (byte) reason.asc(),
                            (byte) reason.ascq(), 0, 0, 0, 0}, null, 0));
        }

        @Override
        public List<Long> luns(String targetName) {
            return List.of(0L);
        }

        @Override
        public CompletableFuture<Void> logicalUnitReset(ItNexus nexus, String targetName, long lun) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> targetReset(ItNexus nexus, String targetName, boolean cold) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void nexusCreated(ItNexus nexus, String targetName) {
            created++;
        }

        @Override
        public CompletableFuture<Void> nexusLost(ItNexus nexus, String targetName) {
            lost++;
            return release;
        }
    }

    private final ScriptedCore core = new ScriptedCore();
    private GatewayContext gateway;
    private EmbeddedChannel channel;
    private WireReader wire;
    private int cmdSn = 1;

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private IscsiTargets targets;

    @BeforeEach
    void open() {
        open(IscsiConfig.defaults().withQueueDepth(4), 256 << 20);
    }

    /** Replaces the fixture's gateway with one of the given queue depth and write budget. */
    private void open(IscsiConfig config, long writeBudget) {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        targets = new IscsiTargets() {
            @Override
            public List<String> targetNames() {
                return List.of(TARGET);
            }

            @Override
            public boolean exists(String name) {
                return TARGET.equals(name);
            }

            @Override
            public AuthConfig auth(String name) {
                return AuthConfig.none();
            }

            @Override
            public List<String> portals(String name) {
                return List.of("127.0.0.1:3260,1");
            }
        };
        gateway = new GatewayContext(core, new SessionRegistry(8), targets, config,
                new io.cairn.iscsi.session.WriteBudget(writeBudget));
        channel = new EmbeddedChannel(new PduDecoder(PduLimits.LOGIN), new PduEncoder(PduLimits.LOGIN),
                new IscsiConnection(gateway));
        wire = new WireReader(channel);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void send(ByteBuf bytes) {
        channel.writeInbound(bytes);
        channel.runPendingTasks();
    }

    private static byte[] keys(String... kv) {
        return (String.join("\0", kv) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** Logs in straight to full feature phase with InitialR2T=Yes and ImmediateData=Yes. */
    private WireReader.Sent login() {
        PduBytes req = PduBytes.of(Opcode.LOGIN_REQUEST | 0x40).set(1, 0x80 | 0x04 | 0x03)
                .set(8, 0x40).set(13, 1).int32(16, 0x10).int32(24, cmdSn)
                .data(keys("InitiatorName=iqn.2026-11.test:init", "TargetName=" + TARGET, "SessionType=Normal",
                        "HeaderDigest=None", "DataDigest=None", "InitialR2T=Yes", "ImmediateData=Yes",
                        "MaxRecvDataSegmentLength=4096", "MaxBurstLength=16384", "FirstBurstLength=8192",
                        "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0"));
        send(req.wire());
        WireReader.Sent resp = wire.next();
        assertNotNull(resp, "login response");
        assertEquals(Opcode.LOGIN_RESPONSE, resp.opcode());
        assertEquals(0, resp.bhs()[36], "status class");
        assertEquals(0x80 | 0x04 | 0x03, resp.flags(), "transit to full feature phase");
        assertNotEquals(0, ((resp.bhs()[14] & 0xff) << 8) | (resp.bhs()[15] & 0xff), "TSIH assigned");
        assertEquals(1, core.created);
        return resp;
    }

    private PduBytes command(int itt, boolean read, boolean write, int edtl, byte... cdb) {
        PduBytes p = PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 1)
                .int32(16, itt).int32(20, edtl).int32(24, cmdSn++);
        for (int i = 0; i < cdb.length; i++) {
            p.set(32 + i, cdb[i]);
        }
        return p;
    }

    private static byte[] read10(int blocks) {
        return new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, (byte) blocks, 0};
    }

    private static byte[] write10(int blocks) {
        return new byte[] {0x2a, 0, 0, 0, 0, 0, 0, 0, (byte) blocks, 0};
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void readReturnsDataInPiecesWithStatusInTheLast() {
        login();
        core.readData = pattern(10240, 3); // 2.5 x MaxRecvDataSegmentLength
        send(command(1, true, false, 10240, read10(20)).wire());
        byte[] got = new byte[10240];
        int offset = 0;
        for (int dataSn = 0; dataSn < 3; dataSn++) {
            WireReader.Sent d = wire.next();
            assertEquals(Opcode.DATA_IN, d.opcode());
            assertEquals(dataSn, d.int32(36), "DataSN");
            assertEquals(offset, d.int32(40), "buffer offset");
            System.arraycopy(d.data(), 0, got, offset, d.data().length);
            offset += d.data().length;
            boolean last = dataSn == 2;
            assertEquals(last, (d.flags() & 0x01) != 0, "status only in the last Data-In");
            assertEquals(last, (d.flags() & 0x80) != 0, "F bit on the last");
        }
        assertArrayEquals(core.readData, got);
        assertNull(wire.next(), "no separate SCSI Response");
    }

    @Test
    void readShorterThanExpectedReportsUnderflow() {
        login();
        core.readData = pattern(512, 1);
        send(command(2, true, false, 4096, read10(1)).wire());
        WireReader.Sent d = wire.next();
        assertEquals(Opcode.DATA_IN, d.opcode());
        assertEquals(0x80 | 0x02 | 0x01, d.flags(), "F, underflow, status");
        assertEquals(4096 - 512, d.int32(44), "residual count");
    }

    @Test
    void writeCollectsImmediateDataAndSolicitsTheRest() {
        login();
        int total = 4096 + 2 * 16384;
        byte[] data = pattern(total, 7);
        send(command(3, false, true, total, write10(total / 512)).data(java.util.Arrays.copyOf(data, 4096)).wire());
        // MaxBurstLength 16384 and MaxOutstandingR2T 1: two R2Ts, one after the other
        for (int r = 0; r < 2; r++) {
            WireReader.Sent r2t = wire.next();
            assertEquals(Opcode.R2T, r2t.opcode());
            assertEquals(r, r2t.int32(36), "R2TSN");
            assertEquals(4096 + r * 16384, r2t.int32(40), "buffer offset");
            assertEquals(16384, r2t.int32(44), "desired length");
            assertNull(wire.next(), "one R2T outstanding at a time");
            assertEquals(0, core.commands.size(), "not executed before all data is in");
            int ttt = r2t.int32(20);
            for (int i = 0; i < 4; i++) {
                int off = r2t.int32(40) + i * 4096;
                send(PduBytes.of(Opcode.DATA_OUT).set(1, i == 3 ? 0x80 : 0).int32(16, 3).int32(20, ttt)
                        .int32(36, i).int32(40, off).data(java.util.Arrays.copyOfRange(data, off, off + 4096)).wire());
            }
        }
        assertEquals(1, core.commands.size());
        assertArrayEquals(data, core.dataOut.get(0), "every byte, in order");
        WireReader.Sent status = wire.next();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(ScsiResult.GOOD, status.bhs()[3]);
        assertEquals(2, status.int32(36), "ExpDataSN counts the R2Ts");
    }

    @Test
    void dataOutWithWrongDataSnFailsTheTaskButKeepsTheSession() {
        login();
        send(command(4, false, true, 1024, write10(2)).wire());
        WireReader.Sent r2t = wire.next();
        send(PduBytes.of(Opcode.DATA_OUT).set(1, 0x80).int32(16, 4).int32(20, r2t.int32(20)).int32(36, 27)
                .int32(40, 0).data(new byte[1024]).wire());
        WireReader.Sent status = wire.next();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(ScsiResult.CHECK_CONDITION, status.bhs()[3]);
        assertEquals(0x47, status.data()[2 + 12], "PROTOCOL SERVICE CRC ERROR");
        assertEquals(0, core.commands.size(), "nothing reached the medium");
        core.readData = pattern(512, 2);
        send(command(5, true, false, 512, read10(1)).wire());
        assertEquals(Opcode.DATA_IN, wire.next().opcode(), "the session goes on");
    }

    @Test
    void commandsOutsideTheWindowAreIgnoredAndAheadOnesWait() {
        WireReader.Sent login = login();
        int maxCmdSn = login.maxCmdSn();
        core.readData = pattern(512, 9);
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 6).int32(20, 512).int32(24, maxCmdSn + 5)
                .set(32, 0x28).set(40, 1).wire());
        assertNull(wire.next(), "outside the window: silently ignored (RFC 7143 4.2.2.1)");
        // CmdSN 2 arrives before CmdSN 1: it waits, then both run in order
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 8).int32(20, 512).int32(24, 2)
                .set(32, 0x28).set(40, 1).wire());
        assertEquals(0, core.commands.size());
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 7).int32(20, 512).int32(24, 1)
                .set(32, 0x28).set(40, 1).wire());
        assertEquals(2, core.commands.size());
        assertEquals(7, wire.next().itt());
        assertEquals(8, wire.next().itt());
    }

    @Test
    void unknownOpcodeIsRejectedAndNopIsEchoed() {
        login();
        send(PduBytes.of(0x1d).set(1, 0x80).int32(16, 9).wire());
        WireReader.Sent reject = wire.next();
        assertEquals(Opcode.REJECT, reject.opcode());
        assertEquals(0x05, reject.bhs()[2], "command not supported");
        assertEquals(0x1d, reject.data()[0] & 0x3f, "the rejected header is returned");
        send(PduBytes.of(Opcode.NOP_OUT | 0x40).set(1, 0x80).int32(16, 11).int32(20, -1).int32(24, cmdSn)
                .data("ping".getBytes(StandardCharsets.US_ASCII)).wire());
        WireReader.Sent nop = wire.next();
        assertEquals(Opcode.NOP_IN, nop.opcode());
        assertEquals(11, nop.itt());
        assertEquals("ping", new String(nop.data(), StandardCharsets.US_ASCII));
        assertTrue(channel.isActive());
    }

    @Test
    void abortTaskAnswersOnlyAfterTheTaskEndedAndSuppressesItsStatus() {
        login();
        CompletableFuture<ScsiResult> slow = new CompletableFuture<>();
        core.next = slow;
        send(command(20, true, false, 512, read10(1)).wire());
        send(PduBytes.of(Opcode.TASK_MGMT_REQUEST | 0x40).set(1, 0x80 | 1).int32(16, 21).int32(20, 20)
                .int32(24, cmdSn).int32(32, cmdSn - 1).wire());
        assertNull(wire.next(), "no TMF response while the task still runs");
        slow.complete(new ScsiResult(ScsiResult.GOOD, null, Unpooled.copiedBuffer(new byte[512]), 512));
        channel.runPendingTasks();
        WireReader.Sent tmf = wire.next();
        assertEquals(Opcode.TASK_MGMT_RESPONSE, tmf.opcode());
        assertEquals(21, tmf.itt());
        assertEquals(0, tmf.bhs()[2], "function complete");
        assertNull(wire.next(), "the aborted task gets no response");
    }

    @Test
    void logoutAnswersAndClosesAndEndsTheNexus() {
        login();
        send(PduBytes.of(Opcode.LOGOUT_REQUEST | 0x40).set(1, 0x80).int32(16, 30).int32(24, cmdSn).wire());
        WireReader.Sent resp = wire.next();
        assertEquals(Opcode.LOGOUT_RESPONSE, resp.opcode());
        assertEquals(0, resp.bhs()[2]);
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(1, core.lost);
    }

    @Test
    void theLogoutResponseWaitsUntilTheNexusIsReleasedAndComesEvenIfTheReleaseFails() {
        login();
        core.release = new CompletableFuture<>();
        send(PduBytes.of(Opcode.LOGOUT_REQUEST | 0x40).set(1, 0x80).int32(16, 30).int32(24, cmdSn).wire());
        channel.runPendingTasks();
        assertEquals(1, core.lost, "the nexus ends before the response");
        assertNull(wire.next(), "no response while the release is not on every gateway");
        assertTrue(channel.isActive());
        core.release.completeExceptionally(new IllegalStateException("ZooKeeper unreachable"));
        channel.runPendingTasks();
        WireReader.Sent resp = wire.next();
        assertEquals(Opcode.LOGOUT_RESPONSE, resp.opcode());
        assertEquals(0, resp.bhs()[2], "a logout completes even when the release could not be written");
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(1, core.lost, "the nexus ends once");
    }

    @Test
    void idleConnectionIsPingedAndDroppedWhenThePingGoesUnanswered() {
        login();
        channel.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        WireReader.Sent ping = wire.next();
        assertEquals(Opcode.NOP_IN, ping.opcode());
        assertEquals(-1, ping.itt(), "target ping: reserved ITT");
        assertNotEquals(-1, ping.int32(20), "target ping: a Target Transfer Tag to answer");
        // answered: the connection stays
        send(PduBytes.of(Opcode.NOP_OUT | 0x40).set(1, 0x80).int32(16, -1).int32(20, ping.int32(20))
                .int32(24, cmdSn).wire());
        channel.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.READER_IDLE_STATE_EVENT);
        WireReader.Sent second = wire.next();
        assertEquals(Opcode.NOP_IN, second.opcode());
        assertTrue(channel.isActive());
        // not answered within the next idle period: dropped
        channel.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.READER_IDLE_STATE_EVENT);
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(1, core.lost);
    }

    @Test
    void loginWithTheSameInitiatorAndIsidReinstatesTheSession() {
        login();
        assertEquals(1, gateway.sessions().size());
        EmbeddedChannel second = new EmbeddedChannel(new PduDecoder(PduLimits.LOGIN), new PduEncoder(PduLimits.LOGIN),
                new IscsiConnection(gateway));
        try {
            PduBytes req = PduBytes.of(Opcode.LOGIN_REQUEST | 0x40).set(1, 0x80 | 0x04 | 0x03)
                    .set(8, 0x40).set(13, 1).int32(16, 0x10).int32(24, 1)
                    .data(keys("InitiatorName=iqn.2026-11.test:init", "TargetName=" + TARGET, "SessionType=Normal"));
            second.writeInbound(req.wire());
            second.runPendingTasks();
            channel.runPendingTasks();
            WireReader.Sent resp = new WireReader(second).next();
            assertEquals(0, resp.bhs()[36], "the new login succeeds");
            assertFalse(channel.isActive(), "RFC 7143 6.3.5: the old session's connection is closed");
            assertEquals(1, gateway.sessions().size());
            assertEquals(2, core.created);
            assertEquals(1, core.lost);
        } finally {
            second.finishAndReleaseAll();
        }
    }

    private void dataOut(int itt, int ttt, int dataSn, int offset, byte[] data, boolean last) {
        send(PduBytes.of(Opcode.DATA_OUT).set(1, last ? 0x80 : 0).int32(16, itt).int32(20, ttt).int32(36, dataSn)
                .int32(40, offset).data(data).wire());
    }

    @Test
    void writesWaitForTheBudgetInTurnInsteadOfDeadlocking() {
        open(IscsiConfig.defaults().withQueueDepth(4), 32 * 1024);
        login();
        byte[] a = pattern(24 * 1024, 1);
        byte[] b = pattern(24 * 1024, 2);
        send(command(40, false, true, a.length, write10(48)).wire());
        send(command(41, false, true, b.length, write10(48)).wire());
        WireReader.Sent r2tA = wire.next();
        assertEquals(40, r2tA.itt());
        assertNull(wire.next(), "the second write waits: 24 KiB + 24 KiB exceed the 32 KiB budget");
        sendSolicited(40, r2tA, a);
        WireReader.Sent r2tA2 = wire.next();
        assertEquals(40, r2tA2.itt(), "MaxBurstLength 16 KiB: a second R2T for the rest");
        sendSolicited(40, r2tA2, a);
        WireReader.Sent statusA = wire.next();
        assertEquals(Opcode.SCSI_RESPONSE, statusA.opcode());
        assertEquals(40, statusA.itt());
        // A's budget is back: B goes ahead
        WireReader.Sent r2tB = wire.next();
        assertEquals(41, r2tB.itt());
        sendSolicited(41, r2tB, b);
        sendSolicited(41, wire.next(), b);
        assertEquals(41, wire.next().itt());
        assertArrayEquals(a, core.dataOut.get(0));
        assertArrayEquals(b, core.dataOut.get(1));
        assertEquals(0, gateway.writeBudget().used(), "every byte of budget is given back");
    }

    @Test
    void writeLargerThanTheWholeBudgetFailsInsteadOfWaitingForever() {
        open(IscsiConfig.defaults().withQueueDepth(4), 8 * 1024);
        login();
        send(command(42, false, true, 16 * 1024, write10(32)).wire());
        WireReader.Sent status = wire.next();
        assertEquals(Opcode.SCSI_RESPONSE, status.opcode());
        assertEquals(ScsiResult.CHECK_CONDITION, status.bhs()[3]);
        assertEquals(0, core.commands.size());
    }

    /** Answers one R2T with 4 KiB Data-Out PDUs cut from {@code data}, F on the last. */
    private void sendSolicited(int itt, WireReader.Sent r2t, byte[] data) {
        assertEquals(Opcode.R2T, r2t.opcode());
        int offset = r2t.int32(40);
        int length = r2t.int32(44);
        for (int done = 0, sn = 0; done < length; done += 4096, sn++) {
            int n = Math.min(4096, length - done);
            dataOut(itt, r2t.int32(20), sn, offset + done,
                    java.util.Arrays.copyOfRange(data, offset + done, offset + done + n), done + n == length);
        }
    }

    @Test
    void abortedCommandHeldForCmdSnOrderNeverRuns() {
        login();
        core.readData = pattern(512, 4);
        // CmdSN 2 arrives first and waits for CmdSN 1
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 8).int32(20, 512).int32(24, 2)
                .set(32, 0x28).set(40, 1).wire());
        send(PduBytes.of(Opcode.TASK_MGMT_REQUEST | 0x40).set(1, 0x80 | 1).int32(16, 50).int32(20, 8)
                .int32(24, 1).int32(32, 2).wire());
        WireReader.Sent tmf = wire.next();
        assertEquals(Opcode.TASK_MGMT_RESPONSE, tmf.opcode());
        assertEquals(0, tmf.bhs()[2], "function complete");
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 7).int32(20, 512).int32(24, 1)
                .set(32, 0x28).set(40, 1).wire());
        assertEquals(7, wire.next().itt());
        assertNull(wire.next(), "the aborted command never runs");
        assertEquals(1, core.commands.size());
        // and the window moved past its CmdSN
        send(PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0xc1).int32(16, 9).int32(20, 512).int32(24, 3)
                .set(32, 0x28).set(40, 1).wire());
        assertEquals(9, wire.next().itt());
    }

    @Test
    void commandRejectedForItsAhsStillUsesItsCmdSn() {
        login();
        core.readData = pattern(512, 5);
        send(command(60, true, false, 512, read10(1)).ahs(new byte[20]).wire());
        WireReader.Sent reject = wire.next();
        assertEquals(Opcode.REJECT, reject.opcode());
        send(command(61, true, false, 512, read10(1)).wire());
        assertEquals(61, wire.next().itt(), "the next command runs: no hole in the CmdSN sequence");
    }

    @Test
    void windowReopensWithTheStatusEvenAtQueueDepthOne() {
        open(IscsiConfig.defaults().withQueueDepth(1), 256 << 20);
        login();
        core.readData = pattern(512, 6);
        send(command(70, true, false, 512, read10(1)).wire());
        WireReader.Sent d = wire.next();
        assertEquals(Opcode.DATA_IN, d.opcode());
        assertTrue(io.cairn.iscsi.session.SerialNumbers.atMost(d.expCmdSn(), d.maxCmdSn()),
                "MaxCmdSN >= ExpCmdSN: the window is open (RFC 7143 4.2.2.1)");
    }

    @Test
    void immediateCommandsBeyondTheQueueDepthAreRejected() {
        login();
        java.util.List<CompletableFuture<ScsiResult>> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<ScsiResult> f = new CompletableFuture<>();
            slow.add(f);
            core.next = f;
            send(PduBytes.of(Opcode.SCSI_COMMAND | 0x40).set(1, 0xc1).int32(16, 80 + i).int32(20, 512)
                    .int32(24, cmdSn).set(32, 0x28).set(40, 1).wire());
        }
        WireReader.Sent reject = wire.next();
        assertEquals(Opcode.REJECT, reject.opcode());
        assertEquals(0x06, reject.bhs()[2], "immediate command reject");
        assertEquals(4, core.commands.size());
        slow.forEach(f -> f.complete(new ScsiResult(ScsiResult.GOOD, null, null, 0)));
        core.next = null;
    }

    @Test
    void textRequestContinuedWithTheCBitIsAnswered() {
        login();
        byte[] part1 = "SendTar".getBytes(StandardCharsets.US_ASCII);
        byte[] part2 = "gets=All\0".getBytes(StandardCharsets.US_ASCII);
        send(PduBytes.of(Opcode.TEXT_REQUEST | 0x40).set(1, 0x40).int32(16, 90).int32(20, -1).int32(24, cmdSn)
                .data(part1).wire());
        WireReader.Sent ack = wire.next();
        assertEquals(Opcode.TEXT_RESPONSE, ack.opcode());
        assertEquals(0, ack.data().length);
        send(PduBytes.of(Opcode.TEXT_REQUEST | 0x40).set(1, 0x80).int32(16, 90).int32(20, ack.int32(20))
                .int32(24, cmdSn).data(part2).wire());
        WireReader.Sent answer = wire.next();
        assertEquals(Opcode.TEXT_RESPONSE, answer.opcode());
        assertTrue(new String(answer.data(), StandardCharsets.US_ASCII).contains("TargetName=" + TARGET));
    }

    @Test
    void dataOutSequenceEndedEarlyIsAProtocolError() {
        login();
        send(command(95, false, true, 2048, write10(4)).wire());
        WireReader.Sent r2t = wire.next();
        dataOut(95, r2t.int32(20), 0, 0, new byte[1024], true);
        assertEquals(Opcode.REJECT, wire.next().opcode());
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(0, core.commands.size());
    }

    @Test
    void scsiCommandBeforeLoginIsAProtocolError() {
        send(command(1, true, false, 512, read10(1)).wire());
        WireReader.Sent reject = wire.next();
        assertEquals(Opcode.REJECT, reject.opcode());
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(0, core.commands.size());
    }
}
