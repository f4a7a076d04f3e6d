package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One distributed LUN presented by several gateways (architecture.md "Consistency invariants": SCSI
 * context per LUN in ZooKeeper, a PERSISTENT RESERVE OUT completes only after every live gateway applied
 * it). Three stores, a 256 MiB LUN with two copies, two or three gateways; each test starts its own cluster.
 */
class MultiGatewayIT {

    /**
     * Suites that failed when iscsi-test-cu ran its multi-initiator tests with one URL per gateway, beyond the
     * commands the appliance does not implement ({@link ConformanceIT#NOT_IMPLEMENTED_SUITES}). Cross-gateway
     * reservations are being fixed: remove a suite from here as soon as it passes (the test prints which do).
     * Observed (libiscsi 1.19, 490 passed / 9 failed / 116 skipped / 0 hung): ProutReserve.OwnershipWERO (1 of 2 runs)
     * (PROUT answered with UNIT ATTENTION 2A/04 on the second gateway), ProutPreempt.RemoveRegistration
     * (READ KEYS count and PRGENERATION after PREEMPT), Reserve6.Logout and Reserve6.ITNexusLoss (the SPC-2
     * reservation survives the holder's logout / nexus loss on the other gateway), MultipathIO.Reset (a LUN
     * RESET through one gateway leaves no unit attention on the other path).
     */
    static final Set<String> KNOWN_CROSS_GATEWAY_FAILURES = Set.of();

    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final Duration REPLICATED = Duration.ofSeconds(60);
    private static final Duration CONFORMANCE_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration CONFORMANCE_IDLE = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    void conformanceWithTheTwoUrlsOnTwoGateways() throws IOException {
        assumeTrue(ExternalCommand.onPath("iscsi-test-cu"), "iscsi-test-cu missing (apt-get install libiscsi-bin)");
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);

            Path log = Appliance.moduleDir().resolve("target/iscsi-test-cu-two-gateways.log");
            List<String> command = new ArrayList<>();
            if (ExternalCommand.onPath("stdbuf")) { // line-buffered, so the idle watchdog sees each test
                command.addAll(List.of("stdbuf", "-oL", "-eL"));
            }
            command.addAll(List.of("iscsi-test-cu", "-d", cluster.url(0), cluster.url(1)));
            ExternalCommand.Result run = ExternalCommand.run(command, CONFORMANCE_TIMEOUT, CONFORMANCE_IDLE, log);
            if (run.timedOut() || run.idleKilled()) {
                Files.writeString(log, "\nHUNG\n", StandardOpenOption.APPEND);
            }
            CuScore score = CuScore.of(Files.readString(log));

            Set<String> failing = new TreeSet<>();
            score.suites().forEach((suite, tally) -> {
                if (tally.failed() > 0 && !ConformanceIT.NOT_IMPLEMENTED_SUITES.contains(suite)) {
                    failing.add(suite);
                }
            });
            Set<String> unexpected = new TreeSet<>(failing);
            unexpected.removeAll(KNOWN_CROSS_GATEWAY_FAILURES);
            Set<String> nowPassing = new TreeSet<>(KNOWN_CROSS_GATEWAY_FAILURES);
            nowPassing.removeAll(failing);
            System.out.println("iscsi-test-cu across two gateways: " + score.summary() + " (log " + log + ")");
            System.out.print(score.details());
            System.out.println("failing suites (beyond not implemented): " + failing);
            System.out.println("KNOWN_CROSS_GATEWAY_FAILURES now passing, remove them: " + nowPassing);

            boolean alive = cluster.allRunningExcept(Set.of());
            String context = score.summary() + "\n" + score.details() + (alive ? "" : "\n" + cluster.output());
            assertAll(
                    () -> assertTrue(alive, "a process died during the conformance run\n" + context),
                    () -> assertTrue(score.total() > 0, "no test ran: " + run.describe()),
                    () -> assertEquals(0, score.hung(), "hung tests\n" + context),
                    () -> assertEquals(Set.of(), unexpected,
                            "suites failing beyond KNOWN_CROSS_GATEWAY_FAILURES\n" + context));
        }
    }

    /**
     * What a fence_scsi-style cluster manager does with Write Exclusive Registrants Only (SPC-4 5.13): both
     * nodes register on every path, A reserves, B preempts A with PREEMPT AND ABORT; from then on A must not
     * write through any path, whichever gateway it goes through, and B must.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fencingAcrossGateways() throws IOException {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            int gateways = cluster.gateways();
            List<RawIscsiSession> a = new ArrayList<>();
            List<RawIscsiSession> b = new ArrayList<>();
            try {
                RawIscsiSession.Initiator nodeA = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:fence-a", 0xa);
                RawIscsiSession.Initiator nodeB = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:fence-b", 0xb);
                for (int g = 0; g < gateways; g++) {
                    a.add(login(cluster, g, nodeA));
                    b.add(login(cluster, g, nodeB));
                }
                new Fencing(cluster, a, b).run();
            } finally {
                for (RawIscsiSession s : a) {
                    s.close();
                }
                for (RawIscsiSession s : b) {
                    s.close();
                }
            }
        }
    }

    /**
     * SPC-2 RESERVE(6) ends with its holder's nexus (SPC-2 5.5.1), and a logout response comes only once
     * every gateway holds the release: the other initiator reserves right after it, through either
     * gateway. libiscsi Reserve6.Logout failed once in CI while the release trailed the logout response.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aReservationIsReleasedOnEveryGatewayBeforeItsHoldersLogoutCompletes() throws IOException {
        byte[] reserve6 = {0x16, 0, 0, 0, 0, 0};
        byte[] release6 = {0x17, 0, 0, 0, 0, 0};
        int rounds = 20;
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            RawIscsiSession.Initiator holder = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:reserve-a", 0xa);
            RawIscsiSession.Initiator other = new RawIscsiSession.Initiator("iqn.2026-11.io.cairn:reserve-b", 0xb);
            List<RawIscsiSession> b = List.of(login(cluster, 0, other), login(cluster, 1, other));
            try {
                for (int round = 0; round < rounds; round++) {
                    int g = round % 2;
                    String when = "round " + round + ", B via gateway " + (g + 1);
                    RawIscsiSession a = login(cluster, 0, holder);
                    assertEquals(0, a.command(reserve6, null, 0).status(), "A RESERVE(6), " + when);
                    assertEquals(Fencing.RESERVATION_CONFLICT, b.get(g).command(reserve6, null, 0).status(),
                            "B RESERVE(6) while A holds it, " + when);
                    a.logout();
                    RawIscsiSession.ScsiReply r = b.get(g).command(reserve6, null, 0);
                    assertTrue(r.good(), "B RESERVE(6) right after A's logout completed, " + when + ": "
                            + Sense.describe(r));
                    assertTrue(b.get(g).command(release6, null, 0).good(), "B RELEASE(6), " + when);
                }
            } finally {
                for (RawIscsiSession s : b) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void sendTargetsListsEveryGateway() throws IOException {
        assumeTrue(ExternalCommand.onPath("iscsi-ls"), "iscsi-ls missing (apt-get install libiscsi-bin)");
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.addGateway();
            ExternalCommand.Result ls = ExternalCommand.run(List.of("iscsi-ls",
                    "iscsi://" + cluster.host() + ":" + cluster.gatewayPort(0)), Duration.ofSeconds(60));
            System.out.println("iscsi-ls on gateway 1:\n" + ls.output());
            assertTrue(ls.succeeded(), "iscsi-ls failed: " + ls.describe());
            // iscsi-ls prints "Target:IQN Portal:ADDRESS:PORT,TPGT" per portal of each target.
            Set<String> portals = new TreeSet<>();
            Matcher m = Pattern.compile("Target:(\\S+)\\s+Portal:(\\S+)").matcher(ls.output());
            while (m.find()) {
                if (m.group(1).equals(cluster.targetIqn())) {
                    portals.add(m.group(2));
                }
            }
            Set<String> expected = new TreeSet<>();
            for (int g = 0; g < cluster.gateways(); g++) {
                // RFC 7143 12.13 (SendTargets: every portal, with its portal group tag); ours is the --gateway-id
                expected.add(cluster.host() + ":" + cluster.gatewayPort(g) + "," + Cluster.gatewayId(g));
            }
            assertAll(
                    () -> assertTrue(!portals.isEmpty(), "the target " + cluster.targetIqn() + " is not listed: "
                            + ls.describe()),
                    () -> assertEquals(expected, portals, "portals of " + cluster.targetIqn()
                            + " in SendTargets on gateway 1: " + ls.describe()));
        }
    }

    private static RawIscsiSession login(Cluster cluster, int gateway, RawIscsiSession.Initiator initiator)
            throws IOException {
        RawIscsiSession session = RawIscsiSession.login(cluster.host(), cluster.gatewayPort(gateway),
                cluster.targetIqn(), cluster.lun(), RawIscsiSession.LoginOptions.plain(), initiator);
        session.blockSize(); // consumes the new nexus's power-on unit attention
        return session;
    }

    /** The fence_scsi sequence over one session per gateway for each of A and B. */
    private record Fencing(Cluster cluster, List<RawIscsiSession> a, List<RawIscsiSession> b) {
        static final long KEY_A = 0xa1a1_0000_0000_000aL;
        static final long KEY_B = 0xb2b2_0000_0000_000bL;
        /** Write Exclusive - Registrants Only, SPC-4 table 210. */
        static final int WERO = 5;
        static final int RESERVATION_CONFLICT = 0x18;
        static final int CHECK_CONDITION = 0x02;
        static final long LBA = 4096;
        /** How long after a failed check the test keeps probing, only to report whether the state converges late. */
        static final Duration CONVERGENCE_PROBE = Duration.ofSeconds(10);

        void run() throws IOException {
            for (int g = 0; g < a.size(); g++) {
                expectGood(a.get(g), PersistentReserveOut.register(KEY_A), "A REGISTER via gateway " + (g + 1));
            }
            for (int g = 0; g < b.size(); g++) {
                expectGood(b.get(g), PersistentReserveOut.register(KEY_B), "B REGISTER via gateway " + (g + 1));
            }
            expectGood(a.get(0), PersistentReserveOut.reserve(KEY_A, WERO), "A RESERVE WERO via gateway 1");
            assertEveryGatewayReports(KEY_A, Set.of(KEY_A, KEY_B), "after A's RESERVE");
            expectGood(b.get(1), PersistentReserveOut.preemptAndAbort(KEY_B, KEY_A, WERO),
                    "B PREEMPT AND ABORT of A's key via gateway 2");

            List<String> failures = new ArrayList<>();
            for (int g = 0; g < a.size(); g++) {
                String outcome = fencedWrite(a.get(g));
                if (outcome != null) {
                    failures.add("A's WRITE(10) via gateway " + (g + 1) + ": " + outcome
                            + convergence(a.get(g), true));
                }
            }
            for (int g = 0; g < b.size(); g++) {
                RawIscsiSession.ScsiReply w = write(b.get(g));
                if (!w.good()) {
                    failures.add("B's WRITE(10) via gateway " + (g + 1) + ": " + Sense.describe(w)
                            + convergence(b.get(g), false));
                }
            }
            if (!failures.isEmpty()) {
                fail("fencing across gateways:\n  " + String.join("\n  ", failures));
            }
            assertEveryGatewayReports(KEY_B, Set.of(KEY_B), "after B's PREEMPT AND ABORT");

            expectGood(b.get(1), PersistentReserveOut.release(KEY_B, WERO), "B RELEASE via gateway 2");
            expectGood(b.get(1), PersistentReserveOut.clear(KEY_B), "B CLEAR via gateway 2");
            assertEveryGatewayReports(0, Set.of(), "after B's RELEASE and CLEAR");
        }

        /**
         * A's write after being preempted: RESERVATION CONFLICT, possibly after one unit attention REGISTRATIONS
         * PREEMPTED (SPC-4 5.13.11.2.3, ASC/ASCQ 2A/05), consumed by retrying once. Null when so, else what came.
         */
        private String fencedWrite(RawIscsiSession session) throws IOException {
            RawIscsiSession.ScsiReply first = write(session);
            if (first.status() == RESERVATION_CONFLICT) {
                return null;
            }
            if (first.status() != CHECK_CONDITION) {
                return Sense.describe(first) + " (expected RESERVATION CONFLICT)";
            }
            Sense sense = Sense.of(first.sense());
            if (!sense.is(0x6, 0x2a, 0x05)) {
                return Sense.describe(first) + " (expected UNIT ATTENTION REGISTRATIONS PREEMPTED or RESERVATION CONFLICT)";
            }
            RawIscsiSession.ScsiReply retry = write(session);
            return retry.status() == RESERVATION_CONFLICT ? null
                    : "after REGISTRATIONS PREEMPTED, " + Sense.describe(retry) + " (expected RESERVATION CONFLICT)";
        }

        /** For the failure message only: whether the expected outcome shows up within a few seconds. */
        private String convergence(RawIscsiSession session, boolean fenced) throws IOException {
            long start = System.nanoTime();
            long deadline = start + CONVERGENCE_PROBE.toNanos();
            while (System.nanoTime() < deadline) {
                RawIscsiSession.ScsiReply w = write(session);
                if (fenced ? w.status() == RESERVATION_CONFLICT : w.good()) {
                    return "; converged " + (System.nanoTime() - start) / 1_000_000 + " ms later";
                }
                sleep(200);
            }
            return "; not converged within " + CONVERGENCE_PROBE.toSeconds() + " s";
        }

        private static RawIscsiSession.ScsiReply write(RawIscsiSession session) throws IOException {
            byte[] data = new byte[session.blockSize()];
            Arrays.fill(data, (byte) 0x5c);
            return session.write10(LBA, data);
        }

        /** READ KEYS and READ RESERVATION through every session of A and B report one state. */
        private void assertEveryGatewayReports(long holder, Set<Long> keys, String when) throws IOException {
            List<String> wrong = new ArrayList<>();
            List<RawIscsiSession> all = new ArrayList<>(a);
            all.addAll(b);
            for (int i = 0; i < all.size(); i++) {
                String who = (i < a.size() ? "A" : "B") + " via gateway " + (i % a.size() + 1);
                RawIscsiSession s = all.get(i);
                String mismatch = reportMismatch(s, holder, keys);
                if (mismatch != null) {
                    wrong.add(who + ": " + mismatch + convergence(s, holder, keys));
                }
            }
            if (!wrong.isEmpty()) {
                fail("persistent reservation state " + when + " differs by gateway:\n  " + String.join("\n  ", wrong));
            }
        }

        /** For the failure message only: whether the session reports the expected state within a few seconds. */
        private String convergence(RawIscsiSession s, long holder, Set<Long> keys) throws IOException {
            long start = System.nanoTime();
            while (System.nanoTime() - start < CONVERGENCE_PROBE.toNanos()) {
                if (reportMismatch(s, holder, keys) == null) {
                    return "; converged " + (System.nanoTime() - start) / 1_000_000 + " ms later";
                }
                sleep(200);
            }
            return "; not converged within " + CONVERGENCE_PROBE.toSeconds() + " s";
        }

        /**
         * Null when READ KEYS and READ RESERVATION on {@code s} report {@code keys} (once per gateway) and
         * {@code holder} (0: none), else what they report. Pending unit attentions (RESERVATIONS RELEASED and
         * PREEMPTED after RELEASE and CLEAR, SPC-4 5.13.11/5.13.12) are consumed first.
         */
        private String reportMismatch(RawIscsiSession s, long holder, Set<Long> keys) throws IOException {
            RawIscsiSession.ScsiReply keysReply = withoutUnitAttention(s, PersistentReserveIn.cdb(0));
            RawIscsiSession.ScsiReply resReply = withoutUnitAttention(s, PersistentReserveIn.cdb(1));
            if (!keysReply.good() || !resReply.good()) {
                return "READ KEYS " + Sense.describe(keysReply) + ", READ RESERVATION " + Sense.describe(resReply);
            }
            List<Long> read = PersistentReserveIn.keys(keysReply.data());
            // One registration per I_T nexus: each initiator holds its key once per gateway (target port).
            List<Long> expected = new ArrayList<>();
            for (long k : new TreeSet<>(keys)) {
                for (int g = 0; g < a.size(); g++) {
                    expected.add(k);
                }
            }
            List<Long> sorted = read.stream().sorted().toList();
            PersistentReserveIn.Reservation r = PersistentReserveIn.reservation(resReply.data());
            PersistentReserveIn.Reservation want = holder == 0 ? PersistentReserveIn.Reservation.NONE
                    : new PersistentReserveIn.Reservation(holder, WERO);
            if (!sorted.equals(expected.stream().sorted().toList()) || !r.equals(want)) {
                return "keys " + hex(read) + " holder " + r + "; expected keys " + hex(expected) + " holder " + want;
            }
            return null;
        }

        private static RawIscsiSession.ScsiReply withoutUnitAttention(RawIscsiSession s, byte[] cdb) throws IOException {
            RawIscsiSession.ScsiReply r = s.command(cdb, null, PersistentReserveIn.LENGTH);
            for (int i = 0; i < 4 && r.status() == CHECK_CONDITION && Sense.of(r.sense()).key() == 0x6; i++) {
                r = s.command(cdb, null, PersistentReserveIn.LENGTH);
            }
            return r;
        }

        private static void expectGood(RawIscsiSession session, byte[][] cdbAndData, String what) throws IOException {
            RawIscsiSession.ScsiReply r = session.command(cdbAndData[0], cdbAndData[1], 0);
            if (r.status() == CHECK_CONDITION && Sense.of(r.sense()).key() == 0x6) {
                r = session.command(cdbAndData[0], cdbAndData[1], 0); // a pending unit attention, consumed
            }
            if (!r.good()) {
                fail(what + ": " + Sense.describe(r));
            }
        }
    }

    /** PERSISTENT RESERVE IN (SPC-4 6.15): READ KEYS and READ RESERVATION. */
    private static final class PersistentReserveIn {
        static final int LENGTH = 1024;

        record Reservation(long key, int type) {
            static final Reservation NONE = new Reservation(0, -1);

            @Override
            public String toString() {
                return this.equals(NONE) ? "none" : String.format("0x%016x type %d", key, type);
            }
        }

        static byte[] cdb(int serviceAction) {
            byte[] cdb = new byte[10];
            cdb[0] = 0x5e;
            cdb[1] = (byte) serviceAction;
            ByteBuffer.wrap(cdb).putShort(7, (short) LENGTH);
            return cdb;
        }

        /** SPC-4 6.15.2: PRGENERATION, ADDITIONAL LENGTH, then 8-byte keys. */
        static List<Long> keys(byte[] data) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            int length = Math.min(buf.getInt(4), data.length - 8);
            List<Long> keys = new ArrayList<>();
            for (int off = 8; off + 8 <= 8 + length; off += 8) {
                keys.add(buf.getLong(off));
            }
            return keys;
        }

        /** SPC-4 6.15.3: ADDITIONAL LENGTH 0 (none) or 16 (key, scope and type in byte 21). */
        static Reservation reservation(byte[] data) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            return buf.getInt(4) >= 16 ? new Reservation(buf.getLong(8), data[21] & 0x0f) : Reservation.NONE;
        }
    }


    private static String hex(List<Long> keys) {
        return keys.stream().map(k -> "0x" + HexFormat.of().toHexDigits(k)).toList().toString();
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
