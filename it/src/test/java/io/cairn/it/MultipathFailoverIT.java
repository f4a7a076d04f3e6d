package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gateway lost under a reserved, multipathed host (architecture.md "Failure handling": "the host's multipath moves to
 * another portal; nothing lives only in a gateway"). The host has paths through gateways A and B with one
 * initiator name, registers on both and reserves Write Exclusive - Registrants Only through A; a second host
 * never registers. A write workload (each write its own range and fill byte) runs through A; A is killed -9
 * mid-workload; the workload goes on through B as dm-multipath would. Checked: writes through B are GOOD, B
 * reports the same holder and type, the other host is still fenced out, and every write that was acknowledged
 * (through A or B) reads back through B.
 */
class MultipathFailoverIT {

    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final Duration REPLICATED = Duration.ofSeconds(90);
    private static final int A = 0;
    private static final int B = 1;
    private static final long HOST_KEY = 0x4d50_0000_0000_0001L;
    private static final int BLOCKS = 8;
    private static final long BASE_LBA = 2048;
    /** Acknowledged writes through A before the kill; writes through B after it. */
    private static final int BEFORE_KILL = 40;
    private static final int AFTER_FAILOVER = 40;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void reservedHostKeepsWritingThroughTheOtherGatewayAfterKill9() throws Exception {
        PrInitiator.tool();
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addGateway();
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            String host = "iqn.2026-11.io.cairn:mp-host";
            try (PrInitiator viaA = PrInitiator.login("host@A", cluster.url(A), host);
                 PrInitiator viaB = PrInitiator.login("host@B", cluster.url(B), host);
                 PrInitiator other = PrInitiator.login("other@B", cluster.url(B), "iqn.2026-11.io.cairn:mp-other")) {
                expect("GOOD", viaA.register(0, HOST_KEY), viaA, "REGISTER via A");
                expect("GOOD", viaB.register(0, HOST_KEY), viaB, "REGISTER via B");
                expect("GOOD", viaA.reserve(HOST_KEY, PrInitiator.WERO), viaA, "RESERVE WERO via A");
                expect("RESERVATION_CONFLICT", other.write(BASE_LBA, BLOCKS, 0xee), other, "unregistered WRITE");

                Workload workload = new Workload(viaA, viaB);
                CompletableFuture<Void> running = CompletableFuture.runAsync(() -> workload.run(cluster));
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (workload.acknowledgedViaA.get() < BEFORE_KILL && !running.isDone()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                workload.killed.set(true); // set first: a write failing from here on failed because of the kill
                cluster.kill9Gateway(A);
                try {
                    running.get(5, TimeUnit.MINUTES);
                } catch (ExecutionException | TimeoutException e) {
                    fail("workload: " + e + "\n" + viaA.transcript() + "\n" + viaB.transcript());
                }
                System.out.println("failover workload: " + workload.acknowledgedViaA.get() + " writes acknowledged via A, "
                        + workload.acknowledged.size() + " in all; failures " + workload.failures);
                workload.assertFailedOverOnlyAfterTheKill();

                assertEquals(new PrInitiator.Reservation(HOST_KEY, PrInitiator.WERO), viaB.readReservation(),
                        "READ RESERVATION via B after A died");
                assertTrue(viaB.readKeys().keys().contains(HOST_KEY), "READ KEYS via B: " + viaB.readKeys());
                expect("RESERVATION_CONFLICT", other.write(BASE_LBA, BLOCKS, 0xee), other,
                        "unregistered WRITE via B after A died");
                workload.assertReadBackViaB();

                // A PROUT after a gateway died completes once ZooKeeper has dropped the dead gateway (its session
                // times out): the survivors' acks suffice. The tool gives up after its 30 s command timeout.
                expect("GOOD", other.register(0, 0x07e4), other, "REGISTER of the other host via B after A died");
                expect("GOOD", other.write(BASE_LBA - BLOCKS, BLOCKS, 0x0e), other,
                        "the other host's WRITE once registered (WERO)");
            }
        }
    }

    /** Writes range i with fill byte (i % 250) + 1 through A until a write fails after the kill, then via B. */
    private static final class Workload {
        private final PrInitiator viaA;
        private final PrInitiator viaB;
        final AtomicInteger acknowledgedViaA = new AtomicInteger();
        final AtomicBoolean killed = new AtomicBoolean();
        /** Write index to fill byte, for every write answered GOOD. */
        private final Map<Integer, Integer> acknowledged = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        /** The write in flight when A died, if any: its data may or may not be there. */
        private int uncertain = -1;
        private boolean failedBeforeKill;

        Workload(PrInitiator viaA, PrInitiator viaB) {
            this.viaA = viaA;
            this.viaB = viaB;
        }

        void run(Cluster cluster) {
            try {
                int i = 0;
                while (true) {
                    PrInitiator.Reply r = viaA.write(lba(i), BLOCKS, fill(i));
                    if (!r.good()) {
                        failedBeforeKill = !killed.get();
                        uncertain = i;
                        failures.add("write " + i + " via A: " + r + (failedBeforeKill ? " BEFORE the kill" : ""));
                        i++;
                        break;
                    }
                    acknowledged.put(i, fill(i));
                    acknowledgedViaA.incrementAndGet();
                    i++;
                    if (i > 20_000) { // stays inside the 256 MiB LUN
                        failures.add("A kept answering long after the kill");
                        return;
                    }
                }
                for (int end = i + AFTER_FAILOVER; i < end; i++) {
                    PrInitiator.Reply r = viaB.write(lba(i), BLOCKS, fill(i));
                    if (r.good()) {
                        acknowledged.put(i, fill(i));
                    } else {
                        failures.add("write " + i + " via B: " + r);
                    }
                }
            } catch (IOException e) {
                failures.add("workload: " + e);
            }
        }

        void assertFailedOverOnlyAfterTheKill() {
            assertAll(
                    () -> assertTrue(!failedBeforeKill, "a write through A failed before A was killed: " + failures
                            + "\n" + viaA.transcript()),
                    () -> assertTrue(acknowledgedViaA.get() >= BEFORE_KILL,
                            "only " + acknowledgedViaA.get() + " writes through A before the kill"),
                    () -> assertEquals(List.of(), failures.subList(Math.min(1, failures.size()), failures.size()),
                            "writes through B after the failover\n" + viaB.transcript()));
        }

        /** Every acknowledged write reads back through B; the one in flight at the kill is old or new. */
        void assertReadBackViaB() throws IOException {
            List<String> wrong = new ArrayList<>();
            for (Map.Entry<Integer, Integer> w : acknowledged.entrySet()) {
                PrInitiator.Reply r = viaB.read(lba(w.getKey()), BLOCKS);
                if (!r.line().equals("GOOD fill=" + String.format("%02x", w.getValue()))) {
                    wrong.add("write " + w.getKey() + " (fill " + Integer.toHexString(w.getValue()) + "): " + r);
                }
            }
            if (uncertain >= 0) {
                PrInitiator.Reply r = viaB.read(lba(uncertain), BLOCKS);
                String now = String.format("GOOD fill=%02x", fill(uncertain));
                if (!r.line().equals(now) && !r.line().equals("GOOD fill=00")) {
                    wrong.add("write " + uncertain + " in flight at the kill: " + r + " (neither 00 nor its fill)");
                }
            }
            assertEquals(List.of(), wrong, acknowledged.size() + " acknowledged writes read back via B");
        }

        private static long lba(int i) {
            return BASE_LBA + (long) i * BLOCKS;
        }

        private static int fill(int i) {
            return i % 250 + 1;
        }
    }

    private static void expect(String outcome, PrInitiator.Reply reply, PrInitiator via, String what) {
        if (!reply.line().equals(outcome)) {
            fail(what + " via " + via.name() + ": " + reply + " (expected " + outcome + ")\n" + via.transcript());
        }
    }
}
