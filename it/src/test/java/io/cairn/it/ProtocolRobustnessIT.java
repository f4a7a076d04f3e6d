package io.cairn.it;

import io.cairn.it.RawIscsiSession.Event;
import io.cairn.it.RawIscsiSession.LoginOptions;
import io.cairn.it.RawIscsiSession.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Malformed and hostile iSCSI traffic from a raw client, each scenario asserting the answer RFC 7143 asks
 * for, while a well-behaved session keeps doing verified WRITE(10)/READ(10) round trips throughout and
 * the target keeps accepting new logins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProtocolRobustnessIT {

    private static final Duration ANSWER = Duration.ofSeconds(15);

    private Appliance appliance;
    private GoodSession good;

    @BeforeAll
    void start() throws Exception {
        appliance = Appliance.start(Appliance.Options.defaults().withSizes("64M", "16M"));
        good = new GoodSession(RawIscsiSession.login(appliance, LoginOptions.plain()));
        good.start();
        good.awaitProgress();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (good != null) {
                good.stop();
            }
        } finally {
            if (appliance != null) {
                appliance.close();
            }
        }
    }

    /** After every scenario: the good session made progress without error, and a fresh login works. */
    @AfterEach
    void targetStillServes() throws Exception {
        assertTrue(appliance.isRunning(), "target died:\n" + appliance.output());
        good.awaitProgress();
        try (RawIscsiSession fresh = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            fresh.blockSize(); // TEST UNIT READY until GOOD, READ CAPACITY(10)
            assertTrue(fresh.testUnitReady().good(), "TEST UNIT READY on a fresh session");
            fresh.logout();
        }
    }

    @Test
    void unknownOpcodeIsRejected() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            IscsiPdu unknown = IscsiPdu.of(0x0e, true, 0x80); // 0x0e: no initiator opcode, RFC 7143 11.2.1.2
            unknown.putInt(16, s.newItt());
            unknown.putInt(24, s.cmdSn());
            unknown.putInt(28, s.expStatSn());
            s.send(unknown);
            Received r = s.receive(ANSWER);
            // RFC 7143 11.17.1: Command not supported (0x05); some targets answer Protocol Error (0x04)
            assertTrue(r.isReject(), "expected Reject, got " + r);
            assertTrue(Set.of(0x04, 0x05).contains(r.rejectReason()), "reject reason " + r.rejectReason());
            assertTrue(r.pdu().data().length >= IscsiPdu.BHS_LENGTH, "Reject carries the rejected header, RFC 7143 11.17");
            assertEquals(0x0e, r.pdu().data()[0] & 0x3f, "rejected header's opcode");
        }
    }

    @Test
    void dataSegmentBeyondMaxRecvDataSegmentLengthIsRefused() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            byte[] tooLong = new byte[s.targetMaxRecvDataSegmentLength() + 4096];
            s.send(s.nopOut(tooLong));
            Received r = s.receive(ANSWER);
            // RFC 7143 13.12: a data segment above the declared limit is a protocol error.
            boolean refused = r.event() == Event.CLOSED || (r.isReject() && Set.of(0x04, 0x09).contains(r.rejectReason()));
            assertTrue(refused, "expected Reject (protocol error / invalid PDU field) or close, got " + r);
        }
    }

    @Test
    void badHeaderDigestClosesTheConnection() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, new LoginOptions(true, false, 262_144))) {
            assumeTrue(s.headerDigest(), "target declined HeaderDigest=CRC32C");
            s.send(s.nopOut(new byte[0]));
            Received ping = s.receive(ANSWER);
            assertEquals(Event.PDU, ping.event(), "NOP-Out with a correct header digest: " + ping);
            assertEquals(IscsiPdu.NOP_IN, ping.pdu().opcode());

            IscsiPdu tur = s.scsiCommand(new byte[6], s.newItt(), 0, false, false);
            s.sendRaw(s.frame(tur, true, false));
            // RFC 7143 7.8 / 7.9: a header digest error at ErrorRecoveryLevel 0 is a connection failure.
            Received r = s.receive(ANSWER);
            assertEquals(Event.CLOSED, r.event(), "expected the connection closed, got " + r);
        }
    }

    @Test
    void badDataDigestIsRejectedOrDropsTheConnection() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, new LoginOptions(false, true, 262_144))) {
            assumeTrue(s.dataDigest(), "target declined DataDigest=CRC32C");
            int bs = s.blockSize();
            byte[] block = pattern(bs, 1);
            assertTrue(s.write10(100, block).good(), "WRITE(10) with a correct data digest");

            IscsiPdu write = s.scsiCommand(RawIscsiSession.cdb10(0x2a, 100, 1), s.newItt(), bs, false, true).withData(block);
            s.sendRaw(s.frame(write, false, true));
            Received r = s.receive(ANSWER);
            // RFC 7143 7.8: Reject with "Data (payload) digest error"; at ERL 0 dropping the connection is allowed.
            boolean handled = r.event() == Event.CLOSED || (r.isReject() && r.rejectReason() == 0x02);
            assertTrue(handled, "expected Reject reason 0x02 or close, got " + r);
        }
    }

    @Test
    void dataOutBeyondExpectedTransferLengthIsAProtocolError() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            int bs = s.blockSize();
            // First a well-formed solicited write: command without data, R2T, exactly one block of Data-Out.
            assertTrue(writeOnR2t(s, 200, bs, pattern(bs, 2)).event() == Event.PDU, "well-formed R2T write");
            Received r = writeOnR2t(s, 201, bs, pattern(2 * bs, 2));
            // RFC 7143 11.7.7 / 11.8: Data-Out must stay within the R2T's desired length
            boolean handled = r.event() == Event.CLOSED || r.isReject()
                    || (r.event() == Event.PDU && r.pdu().opcode() == IscsiPdu.SCSI_RESPONSE && r.pdu().byte3() != 0);
            assertTrue(handled, "expected Reject, close or CHECK CONDITION, got " + r);
        }
    }

    /** WRITE(10) of one block without immediate data; answers the R2T with {@code data}; returns the reply. */
    private static Received writeOnR2t(RawIscsiSession s, long lba, int bs, byte[] data) throws IOException {
        int itt = s.newItt();
        s.send(s.scsiCommand(RawIscsiSession.cdb10(0x2a, lba, 1), itt, bs, false, true));
        s.advanceCmdSn();
        Received r2t = s.receive(ANSWER);
        assertEquals(Event.PDU, r2t.event(), "expected R2T, got " + r2t);
        assertEquals(IscsiPdu.R2T, r2t.pdu().opcode(), "InitialR2T=Yes: the target solicits the data, got " + r2t);
        assertEquals(bs, r2t.pdu().intAt(44), "R2T desired data transfer length");
        s.send(s.dataOut(itt, r2t.pdu().intAt(20), 0, 0, data, true));
        Received r = s.receive(ANSWER);
        if (data.length == bs) {
            assertEquals(IscsiPdu.SCSI_RESPONSE, r.pdu().opcode(), "SCSI Response to a well-formed write, got " + r);
            assertEquals(0, r.pdu().byte3(), "status of a well-formed write");
        }
        return r;
    }

    @Test
    void commandOutsideCmdSnWindowIsSilentlyIgnored() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            s.blockSize();
            IscsiPdu tur = s.scsiCommand(new byte[6], s.newItt(), 0, false, false);
            tur.putInt(24, s.maxCmdSn() + 1000); // far beyond MaxCmdSN
            s.send(tur);
            // RFC 7143 4.2.2.1: a non-immediate command outside [ExpCmdSN, MaxCmdSN] is silently ignored.
            Received r = s.receive(Duration.ofSeconds(3));
            assertEquals(Event.SILENT, r.event(), "expected no answer, got " + r);
            assertTrue(s.testUnitReady().good(), "the connection stays usable with the expected CmdSN");
            byte[] data = pattern(s.blockSize(), 3);
            assertTrue(s.write10(300, data).good());
            assertArrayEquals(data, s.read10(300, 1).data());
        }
    }

    @Test
    void garbageAfterLoginIsRefused() throws IOException {
        try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
            byte[] garbage = new byte[4096];
            new Random(7143).nextBytes(garbage);
            garbage[0] = (byte) 0x3f; // a target-only opcode (Reject) from an initiator
            garbage[4] = 0;           // no AHS, so the header's length fields are what is checked
            try {
                s.sendRaw(garbage);
            } catch (IOException closedWhileSending) {
                return; // the target dropped the connection: an accepted answer
            }
            Received r = s.receive(ANSWER);
            assertTrue(r.event() == Event.CLOSED || r.isReject(), "expected close or Reject, got " + r);
        }
    }

    @Test
    void truncatedPdusThenCloseAreCleanedUp() throws IOException {
        for (int cut : new int[] {1, 20, 47, 48 + 100}) {
            try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
                IscsiPdu write = s.scsiCommand(RawIscsiSession.cdb10(0x2a, 400, 8), s.newItt(), 8 * s.blockSize(), false, true)
                        .withData(pattern(Math.min(8 * s.blockSize(), 4096), 4));
                s.sendRaw(Arrays.copyOf(s.frame(write, false, false), cut));
            }
        }
        // A truncated header on a connection that never logged in
        try (Socket raw = RawIscsiSession.connect(appliance.host(), appliance.port(), ANSWER)) {
            raw.getOutputStream().write(new byte[] {0x43, (byte) 0x87, 0, 0, 0, 0, 1});
        }
    }

    @Test
    void connectionAndLoginFloodsLeaveTheTargetServing() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                sockets.add(RawIscsiSession.connect(appliance.host(), appliance.port(), ANSWER));
            }
            good.awaitProgress(); // 200 idle TCP connections do not starve the good session
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean logout = i % 2 == 0; // half log out, half just drop the connection
                logins.add(pool.submit(() -> {
                    RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain());
                    if (logout) {
                        s.logout();
                    } else {
                        s.close();
                    }
                    return "ok";
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> login : logins) {
                try {
                    login.get(2, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
            assertEquals(List.of(), failures, "logins refused or failed during the flood");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        }
    }

    static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A well-behaved session doing verified WRITE(10)/READ(10) round trips in a loop on its own LBAs. */
    private static final class GoodSession {
        private static final long BASE_LBA = 8192;
        private final RawIscsiSession session;
        private final AtomicLong roundTrips = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private final Thread thread;

        GoodSession(RawIscsiSession session) {
            this.session = session;
            this.thread = new Thread(this::loop, "good-session");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            try {
                int bs = session.blockSize();
                for (int i = 0; running; i++) {
                    byte[] data = pattern(8 * bs, i);
                    long lba = BASE_LBA + (i % 64) * 8L;
                    RawIscsiSession.ScsiReply write = session.write10(lba, data);
                    assertTrue(write.good(), "WRITE(10) status " + write.status());
                    RawIscsiSession.ScsiReply read = session.read10(lba, 8);
                    assertTrue(read.good(), "READ(10) status " + read.status());
                    assertArrayEquals(data, read.data(), "READ(10) returned other data than written");
                    roundTrips.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        /** Waits (bounded) for two more verified round trips; fails if the session broke. */
        void awaitProgress() throws InterruptedException {
            long target = roundTrips.get() + 2;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (roundTrips.get() < target && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Throwable t = failure.get();
            if (t != null) {
                fail("the good session failed", t);
            }
            assertTrue(roundTrips.get() >= target, "the good session made no progress in 30 s");
        }

        void stop() throws Exception {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(40));
            assertFalse(thread.isAlive(), "the good session did not stop within 40 s");
            assertNull(failure.get(), () -> "the good session failed: " + failure.get());
            session.logout();
        }
    }
}
