package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reservations across gateways and restarts, with real processes: PREEMPT AND ABORT through one gateway
 * aborts the preempted initiator's task on another before it completes (SPC-4 5.14.11.2.5), and a power
 * cycle of the whole cluster keeps only APTPL registrations (SPC-4 5.14.5), while a single gateway's
 * restart keeps everything.
 */
class ReservationRestartIT {

    private static final Cluster.Options OPTIONS = new Cluster.Options(2, "tokyo", "it", "64M", "16M", 2, "4s", "15s");
    private static final Duration REPLICATED = Duration.ofSeconds(60);
    private static final long KEY_A = 0xa1a1_0000_0000_000aL;
    private static final long KEY_B = 0xb2b2_0000_0000_000bL;
    /** Write Exclusive - Registrants Only, SPC-4 table 210. */
    private static final int WERO = 5;
    private static final int GOOD = 0x00;
    private static final int CHECK_CONDITION = 0x02;
    private static final int BUSY = 0x08;
    private static final int RESERVATION_CONFLICT = 0x18;
    private static final long LBA = 2048;
    private static final RawIscsiSession.Initiator NODE_A = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:pr-a", 0xa);
    private static final RawIscsiSession.Initiator NODE_B = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:pr-b", 0xb);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void preemptAndAbortThroughOneGatewayAbortsTheTaskOnAnother() throws IOException {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit replicated", s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            try (RawIscsiSession a = login(cluster, 0, NODE_A); RawIscsiSession b = login(cluster, 1, NODE_B)) {
                int blockSize = a.blockSize();
                byte[] before = pattern(blockSize, 0x11);
                expect(GOOD, a, PersistentReserveOut.of(0x00, 0, 0, KEY_A, false), "A REGISTER via gateway 1");
                expect(GOOD, b, PersistentReserveOut.of(0x00, 0, 0, KEY_B, false), "B REGISTER via gateway 2");
                expect(GOOD, a, PersistentReserveOut.of(0x01, WERO, KEY_A, 0, false), "A RESERVE WERO via gateway 1");
                expect(GOOD, a, new byte[][] {RawIscsiSession.cdb10(0x2a, LBA, 1), before}, "A WRITE via gateway 1");

                // A's WRITE waits on gateway 1 for the Data-Out its R2T asked for; A holds it back.
                int itt = a.newItt();
                a.send(a.scsiCommand(RawIscsiSession.cdb10(0x2a, LBA, 1), itt, blockSize, false, true));
                a.advanceCmdSn();
                RawIscsiSession.Received r2t = a.receive(Duration.ofSeconds(30));
                if (r2t.event() != RawIscsiSession.Event.PDU || r2t.pdu().opcode() != IscsiPdu.R2T) {
                    fail("expected an R2T for A's WRITE, got " + r2t);
                }

                expect(GOOD, b, PersistentReserveOut.of(0x05, WERO, KEY_B, KEY_A, false), "B PREEMPT AND ABORT of A via gateway 2");

                // The PROUT completed, so A's task on gateway 1 is already gone: its late data is discarded
                // and, TAS=0 (control mode page), the task never gets a status (SAM-5 5.6).
                a.send(a.dataOut(itt, r2t.pdu().intAt(20), 0, 0, pattern(blockSize, 0x99), true));
                RawIscsiSession.Received late = a.receive(Duration.ofSeconds(3));
                assertEquals(RawIscsiSession.Event.SILENT, late.event(),
                        "the aborted WRITE answered (it was not aborted before the PROUT completed): " + late);

                RawIscsiSession.ScsiReply next = a.command(RawIscsiSession.cdb10(0x28, LBA, 1), null, blockSize);
                assertEquals(CHECK_CONDITION, next.status(), "A's next command: " + Sense.describe(next));
                assertEquals(new Sense(0x6, 0x2a, 0x05), Sense.of(next), "REGISTRATIONS PREEMPTED");
                RawIscsiSession.ScsiReply write = a.command(RawIscsiSession.cdb10(0x2a, LBA, 1), pattern(blockSize, 0x77), 0);
                assertEquals(RESERVATION_CONFLICT, write.status(), "A fenced: " + Sense.describe(write));

                RawIscsiSession.ScsiReply read = command(b, RawIscsiSession.cdb10(0x28, LBA, 1), null, blockSize);
                assertEquals(GOOD, read.status(), Sense.describe(read));
                assertArrayEquals(before, read.data(), "the block changed: the aborted WRITE's data was applied");
            }
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void onlyAptplRegistrationsSurviveAPowerCycleOfTheCluster() throws IOException {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            try (RawIscsiSession a = login(cluster, 0, NODE_A); RawIscsiSession b = login(cluster, 1, NODE_B)) {
                expect(GOOD, a, PersistentReserveOut.of(0x00, 0, 0, KEY_A, true), "A REGISTER APTPL=1 via gateway 1");
                expect(GOOD, b, PersistentReserveOut.of(0x00, 0, 0, KEY_B, true), "B REGISTER APTPL=1 via gateway 2");
                expect(GOOD, a, PersistentReserveOut.of(0x01, WERO, KEY_A, 0, false), "A RESERVE WERO via gateway 1");
            }

            // Gateway 2 restarts while gateway 1 stays up: no power-on of the LU, nothing is lost.
            cluster.restartGateway(1);
            assertState(cluster, 1, List.of(KEY_A, KEY_B), KEY_A, "after gateway 2 restarted alone");

            cluster.restartAll();
            assertState(cluster, 0, List.of(KEY_A, KEY_B), KEY_A, "after a power cycle with APTPL=1");

            try (RawIscsiSession a = login(cluster, 0, NODE_A)) {
                // REGISTER AND IGNORE EXISTING KEY with APTPL=0: the LU's APTPL state is now off (SPC-4 5.14.5)
                expect(GOOD, a, PersistentReserveOut.of(0x06, 0, 0, KEY_A, false), "A REGISTER AND IGNORE EXISTING KEY APTPL=0");
            }
            cluster.restartAll();
            assertState(cluster, 1, List.of(), -1, "after a power cycle with APTPL=0");
        }
    }

    /** READ KEYS and READ RESERVATION through gateway {@code gateway} show {@code keys} and {@code holderKey} (-1: none). */
    private static void assertState(Cluster cluster, int gateway, List<Long> keys, long holderKey, String when)
            throws IOException {
        try (RawIscsiSession s = login(cluster, gateway, RawIscsiSession.Initiator.fresh())) {
            RawIscsiSession.ScsiReply readKeys = command(s, prin(0), null, PRIN_LENGTH);
            assertEquals(GOOD, readKeys.status(), when + ": READ KEYS " + Sense.describe(readKeys));
            ByteBuffer k = ByteBuffer.wrap(readKeys.data());
            List<Long> got = new ArrayList<>();
            for (int off = 8; off < 8 + k.getInt(4); off += 8) {
                got.add(k.getLong(off));
            }
            assertEquals(keys, got, when + ": registered keys");
            RawIscsiSession.ScsiReply readRes = command(s, prin(1), null, PRIN_LENGTH);
            assertEquals(GOOD, readRes.status(), when + ": READ RESERVATION " + Sense.describe(readRes));
            ByteBuffer r = ByteBuffer.wrap(readRes.data());
            long holder = r.getInt(4) >= 16 ? r.getLong(8) : -1;
            assertEquals(holderKey, holder, when + ": reservation key");
            if (holderKey != -1) {
                assertEquals(WERO, readRes.data()[21] & 0x0f, when + ": reservation type");
            }
        }
    }

    private static RawIscsiSession login(Cluster cluster, int gateway, RawIscsiSession.Initiator initiator)
            throws IOException {
        return RawIscsiSession.login(cluster.host(), cluster.gatewayPort(gateway), cluster.targetIqn(), cluster.lun(),
                RawIscsiSession.LoginOptions.plain(), initiator);
    }

    private static void expect(int status, RawIscsiSession s, byte[][] cdbAndData, String what) throws IOException {
        RawIscsiSession.ScsiReply r = command(s, cdbAndData[0], cdbAndData[1], 0);
        if (r.status() != status) {
            fail(what + ": " + Sense.describe(r));
        }
    }

    /**
     * Runs a command, consuming unit attentions (a new nexus, a restart) and retrying BUSY (a gateway that
     * has not caught up with ZooKeeper yet) for at most 30 s.
     */
    private static RawIscsiSession.ScsiReply command(RawIscsiSession s, byte[] cdb, byte[] data, int readLength)
            throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            RawIscsiSession.ScsiReply r = s.command(cdb, data, readLength);
            boolean unitAttention = r.status() == CHECK_CONDITION && Sense.of(r).unitAttention();
            if ((!unitAttention && r.status() != BUSY) || System.nanoTime() > deadline) {
                return r;
            }
            sleep(unitAttention ? 0 : 200);
        }
    }

    private static final int PRIN_LENGTH = 1024;

    /** PERSISTENT RESERVE IN (SPC-4 6.15): 0 READ KEYS, 1 READ RESERVATION. */
    private static byte[] prin(int serviceAction) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5e;
        cdb[1] = (byte) serviceAction;
        ByteBuffer.wrap(cdb).putShort(7, (short) PRIN_LENGTH);
        return cdb;
    }

    private static byte[] pattern(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
