package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A gateway whose ZooKeeper session is interrupted fails closed (architecture.md "Consistency invariants": "A gateway that loses its
 * ZooKeeper session stops serving the affected LUNs until it has caught up again"). Two stores, two
 * gateways A and B, a ZooKeeper session timeout of 4 s; every role a real process.
 * <ul>
 * <li>Gateway A is frozen (SIGSTOP) past its session timeout while initiator X writes through it; meanwhile
 * initiator Y reserves the LUN exclusively through B, which completes once A's session has expired, and
 * writes. When A runs again, it must not admit X's queued write with its stale context.</li>
 * <li>ZooKeeper itself is frozen mid-workload: both gateways answer BUSY, which initiators retry, and admit
 * I/O again once ZooKeeper runs.</li>
 * </ul>
 */
class SessionExpiryIT {

    private static final Cluster.Options OPTIONS =
            new Cluster.Options(2, "tokyo", "expiry", "64M", "16M", 2, "4s", "15s");
    private static final Duration REPLICATED = Duration.ofSeconds(60);
    private static final Duration CATCH_UP = Duration.ofSeconds(40);
    private static final int GOOD = 0x00;
    private static final int CHECK_CONDITION = 0x02;
    private static final int BUSY = 0x08;
    private static final int RESERVATION_CONFLICT = 0x18;
    /** Exclusive Access, SPC-4 table 210. */
    private static final int EXCLUSIVE_ACCESS = 3;
    private static final long KEY_X = 0x7878_0000_0000_0001L;
    private static final long KEY_Y = 0x7979_0000_0000_0002L;
    private static final long LBA = 2048;
    private static final int A = 0;
    private static final int B = 1;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aGatewayPausedPastItsSessionAdmitsNoWriteAReservationForbidsMeanwhile() throws IOException {
        try (Cluster cluster = startCluster()) {
            try (RawIscsiSession x = login(cluster, A, "iqn.2026-11.io.cairn:expiry-x", 0x78);
                 RawIscsiSession y = login(cluster, B, "iqn.2026-11.io.cairn:expiry-y", 0x79)) {
                expectGood(x, PersistentReserveOut.register(KEY_X), "X REGISTER via A");
                expectGood(y, PersistentReserveOut.register(KEY_Y), "Y REGISTER via B");

                Writer writer = new Writer("X via A", x, LBA, 'X');
                writer.start();
                writer.await("X's writes through A succeed", r -> r.status() == GOOD, Duration.ofSeconds(30));

                // Freeze A between two of X's writes, then let X send the next one: it waits in A's socket.
                long pausedAt;
                writer.turn.lock();
                try {
                    cluster.pauseGateway(A);
                    sleep(100); // SIGSTOP is delivered at once; the margin only makes "after" unambiguous
                    pausedAt = System.nanoTime();
                } finally {
                    writer.turn.unlock();
                }
                long resumedAt;
                byte[] yMarker;
                try {
                    writer.awaitSentAfter(pausedAt, Duration.ofSeconds(10));
                    // Completes once every live gateway applied it: A counts no more when its session expires.
                    expectGood(y, PersistentReserveOut.reserve(KEY_Y, EXCLUSIVE_ACCESS), "Y RESERVE EA via B");
                    yMarker = marker('Y', 1, y.blockSize());
                    RawIscsiSession.ScsiReply w = y.write10(LBA, yMarker);
                    assertEquals(GOOD, w.status(), "Y's write as reservation holder: " + Sense.describe(w));
                } finally {
                    cluster.resumeGateway(A);
                    resumedAt = System.nanoTime();
                }
                writer.await("A, caught up, answers X's writes with RESERVATION CONFLICT",
                        r -> r.status() == RESERVATION_CONFLICT, CATCH_UP);
                writer.stop();

                List<Reply> afterPause = writer.replies().stream().filter(r -> r.sentAt() >= pausedAt).toList();
                List<Reply> queued = afterPause.stream().filter(r -> r.sentAt() < resumedAt).toList();
                List<Reply> admitted = afterPause.stream().filter(r -> !fencedOrRetry(r)).toList();
                // Y's nexus may hold ASYMMETRIC ACCESS STATE CHANGED by now (A's port group left with
                // its session); an initiator takes the unit attention and retries.
                RawIscsiSession.ScsiReply first = y.read10(LBA, 1);
                for (int i = 0; i < 3 && first.status() == CHECK_CONDITION && Sense.of(first.sense()).key() == 0x6; i++) {
                    first = y.read10(LBA, 1);
                }
                RawIscsiSession.ScsiReply read = first;
                System.out.println("X's writes sent while A was paused: " + summary(queued)
                        + "; after: " + summary(afterPause));
                assertAll(
                        () -> assertFalse(queued.isEmpty(), "no write of X was queued while A was paused"),
                        () -> assertEquals(List.of(), admitted, "X's writes sent after A was paused must get"
                                + " RESERVATION CONFLICT, BUSY or a unit attention; all of them: " + summary(afterPause)
                                + "\n" + cluster.output()),
                        () -> assertEquals(GOOD, read.status(), "Y reads LBA " + LBA + ": " + Sense.describe(read)),
                        () -> assertEquals(describeMarker(yMarker), describeMarker(read.data()),
                                "LBA " + LBA + " after Y's write as holder"));
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void gatewaysAnswerBusyWhileZooKeeperIsFrozenAndAdmitIoAgainAfter() throws IOException {
        try (Cluster cluster = startCluster()) {
            try (RawIscsiSession x = login(cluster, A, "iqn.2026-11.io.cairn:frozen-x", 0x58);
                 RawIscsiSession y = login(cluster, B, "iqn.2026-11.io.cairn:frozen-y", 0x59)) {
                Writer viaA = new Writer("X via A", x, LBA, 'X');
                Writer viaB = new Writer("Y via B", y, LBA + 8, 'Y');
                viaA.start();
                viaB.start();
                viaA.await("writes through A succeed", r -> r.status() == GOOD, Duration.ofSeconds(30));
                viaB.await("writes through B succeed", r -> r.status() == GOOD, Duration.ofSeconds(30));

                cluster.pauseZookeeper();
                long pausedAt = System.nanoTime();
                long resumedAt;
                try {
                    viaA.await("A answers BUSY", r -> r.sentAt() > pausedAt && r.status() == BUSY, CATCH_UP);
                    viaB.await("B answers BUSY", r -> r.sentAt() > pausedAt && r.status() == BUSY, CATCH_UP);
                } finally {
                    cluster.resumeZookeeper();
                    resumedAt = System.nanoTime();
                }
                viaA.await("A admits writes again", r -> r.sentAt() > resumedAt && r.status() == GOOD, CATCH_UP);
                viaB.await("B admits writes again", r -> r.sentAt() > resumedAt && r.status() == GOOD, CATCH_UP);
                viaA.stop();
                viaB.stop();

                for (Writer w : List.of(viaA, viaB)) {
                    List<Reply> other = w.replies().stream()
                            .filter(r -> r.status() != GOOD && r.status() != BUSY).toList();
                    long firstBusy = w.replies().stream().filter(r -> r.status() == BUSY)
                            .mapToLong(Reply::sentAt).min().orElseThrow();
                    List<Reply> admittedWhileFrozen = w.replies().stream()
                            .filter(r -> r.sentAt() > firstBusy && r.doneAt() < resumedAt && r.status() == GOOD).toList();
                    System.out.println(w.name + ": " + summary(w.replies()));
                    assertAll(
                            () -> assertEquals(List.of(), other, w.name + ": only GOOD and BUSY, which an initiator"
                                    + " retries, while ZooKeeper was frozen\n" + cluster.output()),
                            () -> assertEquals(List.of(), admittedWhileFrozen,
                                    w.name + ": once BUSY, nothing admitted until ZooKeeper ran again"));
                }
            }
        }
    }

    private static Cluster startCluster() throws IOException {
        Cluster cluster = Cluster.start(OPTIONS);
        try {
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static RawIscsiSession login(Cluster cluster, int gateway, String name, int isid) throws IOException {
        RawIscsiSession session = RawIscsiSession.login(cluster.host(), cluster.gatewayPort(gateway),
                cluster.targetIqn(), cluster.lun(), RawIscsiSession.LoginOptions.plain(),
                new RawIscsiSession.Initiator(name, isid));
        session.blockSize(); // consumes the new nexus's power-on unit attention
        return session;
    }

    /** Fenced (RESERVATION CONFLICT), to be retried (BUSY), or a unit attention (sense key 6) reported first. */
    private static boolean fencedOrRetry(Reply r) {
        return r.status() == RESERVATION_CONFLICT || r.status() == BUSY
                || (r.status() == CHECK_CONDITION && r.senseKey() == 0x6);
    }

    /** One block: the writer's letter, the sequence number, then the letter repeated. */
    private static byte[] marker(char who, int seq, int blockSize) {
        byte[] block = new byte[blockSize];
        Arrays.fill(block, (byte) who);
        ByteBuffer.wrap(block).put((byte) who).putInt(seq);
        return block;
    }

    private static String describeMarker(byte[] block) {
        if (block.length < 5) {
            return "(short block)";
        }
        return (char) block[0] + "#" + ByteBuffer.wrap(block).getInt(1)
                + (block.length > 5 && block[5] == block[0] ? "" : " (not a marker: "
                + new String(block, 0, Math.min(16, block.length), StandardCharsets.ISO_8859_1) + ")");
    }

    /** What came back for one write: when it was sent and answered (System.nanoTime), status and sense key. */
    record Reply(int seq, long sentAt, long doneAt, int status, int senseKey, String detail) {
        @Override
        public String toString() {
            return "#" + seq + " " + detail;
        }
    }

    private static String summary(List<Reply> replies) {
        return replies.stream().collect(Collectors.groupingBy(Reply::detail, java.util.LinkedHashMap::new,
                Collectors.counting())).toString() + " (" + replies.size() + " writes)";
    }

    /**
     * Writes a marker block to one LBA in a loop, one write at a time, and records every reply. The test
     * takes {@link #turn} to keep it between two writes; a broken connection ends the loop (recorded, status -1).
     */
    private static final class Writer {
        final String name;
        final ReentrantLock turn = new ReentrantLock(true);
        private final RawIscsiSession session;
        private final long lba;
        private final char letter;
        private final List<Reply> replies = new CopyOnWriteArrayList<>();
        private volatile long lastSentAt = Long.MIN_VALUE;
        private volatile boolean running = true;
        private final Thread thread;

        Writer(String name, RawIscsiSession session, long lba, char letter) {
            this.name = name;
            this.session = session;
            this.lba = lba;
            this.letter = letter;
            this.thread = new Thread(this::run, "writer-" + name);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            int seq = 0;
            while (running) {
                turn.lock();
                try {
                    if (!running) {
                        return;
                    }
                    seq++;
                    long sent = System.nanoTime();
                    lastSentAt = sent;
                    RawIscsiSession.ScsiReply r;
                    try {
                        r = session.write10(lba, marker(letter, seq, session.blockSize()));
                    } catch (IOException e) {
                        replies.add(new Reply(seq, sent, System.nanoTime(), -1, -1, "connection: " + e.getMessage()));
                        return;
                    }
                    int key = Sense.of(r.sense()).key();
                    replies.add(new Reply(seq, sent, System.nanoTime(), r.reject() != null ? -2 : r.status(), key,
                            Sense.describe(r)));
                    if (!r.good()) {
                        sleep(20); // BUSY or conflict: retry soon, as an initiator does, without flooding
                    }
                } catch (IOException e) {
                    return;
                } finally {
                    turn.unlock();
                }
            }
        }

        List<Reply> replies() {
            return List.copyOf(replies);
        }

        /** Bounded wait for a reply that {@code matches}; fails with every reply so far. */
        void await(String what, Predicate<Reply> matches, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (replies.stream().noneMatch(matches)) {
                if (System.nanoTime() - deadline > 0 || !thread.isAlive()) {
                    fail("not within " + timeout.toSeconds() + " s: " + what + "; replies: " + summary(replies())
                            + " last " + (replies.isEmpty() ? "-" : replies.get(replies.size() - 1)));
                }
                sleepQuietly(20);
            }
        }

        void awaitSentAfter(long nanos, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lastSentAt < nanos) {
                if (System.nanoTime() - deadline > 0) {
                    fail(name + " sent nothing within " + timeout.toSeconds() + " s");
                }
                sleepQuietly(10);
            }
        }

        void stop() {
            running = false;
            try {
                thread.join(Duration.ofSeconds(40).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertFalse(thread.isAlive(), name + " did not stop");
        }
    }

    private static void expectGood(RawIscsiSession session, byte[][] cdbAndData, String what) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        RawIscsiSession.ScsiReply r = session.command(cdbAndData[0], cdbAndData[1], 0);
        // a pending unit attention is consumed; BUSY is retried as an initiator would
        while (!r.good() && System.nanoTime() - deadline < 0
                && (r.status() == BUSY || (r.status() == CHECK_CONDITION && Sense.of(r.sense()).key() == 0x6))) {
            sleep(100);
            r = session.command(cdbAndData[0], cdbAndData[1], 0);
        }
        assertTrue(r.good(), what + ": " + Sense.describe(r));
    }


    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
