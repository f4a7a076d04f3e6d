package io.cairn.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What cluster managers do with persistent reservations, through libiscsi (the iscsi-pr tool, one process per
 * path) against one LUN presented by three gateways: two hosts ("nodes"), each logged in through every gateway
 * with its own initiator name, so each node has three I_T nexuses, one per target port (architecture.md "Consistency invariants": SCSI context
 * per LUN in ZooKeeper; a PROUT completes only after every live gateway applied it). Every step goes through a
 * different gateway from the one before, and every state check reads through all six paths.
 * <p>
 * MultiGatewayIT#fencingAcrossGateways drives a fence_scsi-like sequence with the raw Java session; here the
 * same LUN is driven by a real initiator library and the checks go further (reads under WERO, writes by a
 * registered non-holder, what the fenced node may still do, the Windows validation sequence).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReservationScenariosIT {

    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final Duration REPLICATED = Duration.ofSeconds(90);
    private static final int WERO = PrInitiator.WERO;
    private static final int GATEWAYS = 3;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws IOException {
        PrInitiator.tool();
        cluster = Cluster.start(OPTIONS);
        for (int g = 1; g < GATEWAYS; g++) {
            cluster.addGateway();
        }
        cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Each scenario starts with no registration and no reservation, whatever the one before left. */
    @BeforeEach
    void clearReservations() throws IOException {
        try (PrInitiator janitor = PrInitiator.login("janitor", cluster.url(0), "iqn.2026-11.io.cairn:janitor")) {
            expect("GOOD", janitor.registerIgnore(0x5a5a), janitor, "janitor REGISTER AND IGNORE");
            expect("GOOD", janitor.clear(0x5a5a), janitor, "janitor CLEAR");
        }
    }

    /**
     * fence_scsi (Pacemaker's SCSI fence agent): each node registers its key on every path to the device; the
     * node that unfences first reserves Write Exclusive - Registrants Only; fencing a node is PREEMPT AND ABORT
     * of its key by a survivor (SPC-4 5.13.11.2.4/5): from then on none of the fenced node's paths may write.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fenceScsiAcrossThreeGateways() throws IOException {
        long key1 = 0xfe0c_0000_0000_0001L;
        long key2 = 0xfe0c_0000_0000_0002L;
        List<PrInitiator> node1 = paths("fence-node1");
        List<PrInitiator> node2 = paths("fence-node2");
        try {
            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD", node1.get(g).register(0, key1), node1.get(g), "node 1 REGISTER");
                expect("GOOD", node2.get(g).register(0, key2), node2.get(g), "node 2 REGISTER");
            }
            expect("GOOD", node1.get(0).reserve(key1, WERO), node1.get(0), "node 1 RESERVE WERO");
            assertEveryPath(node1, node2, List.of(key1, key1, key1, key2, key2, key2),
                    new PrInitiator.Reservation(key1, WERO), "after node 1's RESERVE");
            // WERO: every registrant writes (SPC-4 table 210), the holder's peer included.
            expect("GOOD", node2.get(2).write(64, 8, 0x21), node2.get(2), "node 2 WRITE as a registrant");

            expect("GOOD", node2.get(1).preemptAndAbort(key2, key1, WERO), node2.get(1),
                    "node 2 PREEMPT AND ABORT of node 1's key");
            for (int g = 0; g < GATEWAYS; g++) {
                // The first command of each of node 1's nexuses may report REGISTRATIONS PREEMPTED (2A/05);
                // PrInitiator consumes it and retries, as a host does.
                expect("RESERVATION_CONFLICT", node1.get(g).write(64, 8, 0x1f), node1.get(g),
                        "fenced node 1 WRITE");
                expect("GOOD fill=21", node1.get(g).read(64, 8), node1.get(g), "fenced node 1 READ (WERO reads are shared)");
                expect("RESERVATION_CONFLICT", node1.get(g).reserve(key1, WERO), node1.get(g),
                        "fenced node 1 RESERVE with its removed key");
            }
            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD", node2.get(g).write(64 + 8L * g, 8, 0x30 + g), node2.get(g), "node 2 WRITE");
            }
            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD fill=" + Integer.toHexString(0x30 + g), node1.get((g + 1) % GATEWAYS).read(64 + 8L * g, 8),
                        node1.get((g + 1) % GATEWAYS), "node 2's data read through another gateway");
            }
            assertEveryPath(node1, node2, List.of(key2, key2, key2), new PrInitiator.Reservation(key2, WERO),
                    "after node 2's PREEMPT AND ABORT");

            // the holder is node 2's nexus through gateway 2, where it preempted (SPC-4 5.13.11.2.4)
            expect("GOOD", node2.get(1).release(key2, WERO), node2.get(1), "node 2 RELEASE");
            assertEveryPath(node1, node2, List.of(key2, key2, key2), PrInitiator.Reservation.NONE,
                    "after node 2's RELEASE");
            expect("GOOD", node2.get(0).clear(key2), node2.get(0), "node 2 CLEAR");
            assertEveryPath(node1, node2, List.of(), PrInitiator.Reservation.NONE, "after node 2's CLEAR");
            // Unfenced again: no reservation, so anyone writes (and node 1 re-registers like fence_scsi's "on").
            expect("GOOD", node1.get(2).write(64, 8, 0x40), node1.get(2), "node 1 WRITE after CLEAR");
            expect("GOOD", node1.get(1).register(0, key1), node1.get(1), "node 1 REGISTER again after CLEAR");
        } finally {
            closeAll(node1, node2);
        }
    }

    /**
     * Windows Server failover clustering's "Validate SCSI-3 Persistent Reservation" (cluster validation,
     * storage tests), as its validation report lists the steps for each pair of nodes on each disk: node A
     * registers (REGISTER AND IGNORE EXISTING KEY, to replace any stale key) and reserves; node B reads the
     * keys and reservation and sees A's; node B, still unregistered, tries to PREEMPT A and must fail, and its
     * writes must fail; B registers, tries to RESERVE and must fail while A holds; B PREEMPTs A's key and
     * becomes the holder, A's key gone; A cannot write or reserve; B RELEASEs, both unregister (REGISTER with
     * service action key 0), and both read back no keys and no reservation. The cluster disk driver reserves
     * Write Exclusive - Registrants Only. Here each "node" has a path through every gateway and consecutive
     * steps use different gateways.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void windowsClusterValidationAcrossThreeGateways() throws IOException {
        long keyA = 0x0000_5753_4643_0a0aL;
        long keyB = 0x0000_5753_4643_0b0bL;
        List<PrInitiator> a = paths("win-node-a");
        List<PrInitiator> b = paths("win-node-b");
        try {
            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD", a.get(g).registerIgnore(keyA), a.get(g), "A REGISTER AND IGNORE EXISTING KEY");
            }
            expect("GOOD", a.get(0).reserve(keyA, WERO), a.get(0), "A RESERVE WERO");
            // SPC-4 5.13.6: the holder is one I_T nexus; it may reserve again (same type: GOOD, no change), but
            // the same key through another target port is another nexus, which conflicts
            expect("GOOD", a.get(0).reserve(keyA, WERO), a.get(0), "A RESERVE again through the holder's path");
            expect("RESERVATION_CONFLICT", a.get(1).reserve(keyA, WERO), a.get(1), "A RESERVE through another path");
            PrInitiator.Keys seenByB = b.get(2).readKeys();
            assertEquals(List.of(keyA, keyA, keyA), sorted(seenByB.keys()), "B's READ KEYS via gateway 3");
            assertEquals(new PrInitiator.Reservation(keyA, WERO), b.get(1).readReservation(),
                    "B's READ RESERVATION via gateway 2");

            // SPC-4 5.13.2: from an unregistered I_T nexus every PROUT but REGISTER is a RESERVATION CONFLICT
            expect("RESERVATION_CONFLICT", b.get(0).preempt(keyB, keyA, WERO), b.get(0), "unregistered B PREEMPT");
            for (int g = 0; g < GATEWAYS; g++) {
                expect("RESERVATION_CONFLICT", b.get(g).write(128, 8, 0xbb), b.get(g), "unregistered B WRITE");
                expect("GOOD", b.get(g).tur(), b.get(g), "unregistered B TEST UNIT READY");
            }
            assertEquals(seenByB.generation(), b.get(0).readKeys().generation(),
                    "the failed PREEMPT changed PRGENERATION (SPC-4 6.15.2)");

            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD", b.get(g).registerIgnore(keyB), b.get(g), "B REGISTER AND IGNORE EXISTING KEY");
            }
            expect("RESERVATION_CONFLICT", b.get(1).reserve(keyB, WERO), b.get(1), "B RESERVE while A holds");
            expect("GOOD", b.get(2).write(128, 8, 0xb1), b.get(2), "registered B WRITE under WERO");
            assertEveryPath(a, b, List.of(keyA, keyA, keyA, keyB, keyB, keyB), new PrInitiator.Reservation(keyA, WERO),
                    "after B registered");

            expect("GOOD", b.get(0).preempt(keyB, keyA, WERO), b.get(0), "B PREEMPT of A's key");
            assertEveryPath(a, b, List.of(keyB, keyB, keyB), new PrInitiator.Reservation(keyB, WERO),
                    "after B's PREEMPT");
            for (int g = 0; g < GATEWAYS; g++) {
                expect("RESERVATION_CONFLICT", a.get(g).write(128, 8, 0xa1), a.get(g), "preempted A WRITE");
            }
            expect("RESERVATION_CONFLICT", a.get(2).reserve(keyA, WERO), a.get(2), "preempted A RESERVE");
            expect("GOOD fill=b1", a.get(1).read(128, 8), a.get(1), "preempted A READ");

            // SPC-4 5.13.11.2.2: RELEASE from a registered nexus that does not hold the reservation is GOOD
            // and changes nothing; the holder is B's nexus through gateway 1, where B preempted
            expect("GOOD", b.get(1).release(keyB, WERO), b.get(1), "B RELEASE through a non-holder path");
            assertEquals(new PrInitiator.Reservation(keyB, WERO), a.get(2).readReservation(),
                    "READ RESERVATION after a non-holder's RELEASE");
            expect("GOOD", b.get(0).release(keyB, WERO), b.get(0), "B RELEASE through the holder's path");
            assertEveryPath(a, b, List.of(keyB, keyB, keyB), PrInitiator.Reservation.NONE, "after B's RELEASE");
            for (int g = 0; g < GATEWAYS; g++) {
                expect("GOOD", b.get(g).register(keyB, 0), b.get(g), "B unregister");
                // A's registrations were removed by the PREEMPT: unregistering again is a no-op
                expect("GOOD", a.get(g).registerIgnore(0), a.get(g), "A unregister (already unregistered)");
            }
            assertEveryPath(a, b, List.of(), PrInitiator.Reservation.NONE, "after both unregistered");
            expect("GOOD", a.get(0).write(128, 8, 0xa2), a.get(0), "A WRITE with no reservation");
        } finally {
            closeAll(a, b);
        }
    }

    /** One tool process per gateway for {@code node}: its I_T nexuses, gateway index order. */
    private List<PrInitiator> paths(String node) throws IOException {
        List<PrInitiator> paths = new ArrayList<>();
        try {
            for (int g = 0; g < GATEWAYS; g++) {
                paths.add(PrInitiator.login(node + "@gw" + (g + 1), cluster.url(g), "iqn.2026-11.io.cairn:" + node));
            }
        } catch (IOException | RuntimeException e) {
            paths.forEach(PrInitiator::close);
            throw e;
        }
        return paths;
    }

    /** READ KEYS and READ RESERVATION through every path of both nodes give one answer, the expected one. */
    private void assertEveryPath(List<PrInitiator> first, List<PrInitiator> second, List<Long> keys,
                                 PrInitiator.Reservation reservation, String when) throws IOException {
        List<PrInitiator> all = new ArrayList<>(first);
        all.addAll(second);
        List<String> wrong = new ArrayList<>();
        Long generation = null;
        for (PrInitiator p : all) {
            PrInitiator.Keys k = p.readKeys();
            PrInitiator.Reservation r = p.readReservation();
            if (generation == null) {
                generation = k.generation();
            }
            if (!sorted(k.keys()).equals(sorted(keys)) || !r.equals(reservation) || k.generation() != generation) {
                wrong.add(p.name() + ": gen " + k.generation() + " keys " + hex(k.keys()) + " reservation " + r);
            }
        }
        if (!wrong.isEmpty()) {
            fail("persistent reservation state " + when + " is not the same on every path: expected keys " + hex(keys)
                    + " reservation " + reservation + " (generation equal everywhere)\n  " + String.join("\n  ", wrong));
        }
    }

    private static void expect(String outcome, PrInitiator.Reply reply, PrInitiator via, String what) {
        if (!reply.line().equals(outcome)) {
            fail(what + " via " + via.name() + ": " + reply + " (expected " + outcome + ")\n" + via.transcript());
        }
    }

    private static List<Long> sorted(List<Long> keys) {
        List<Long> s = new ArrayList<>(keys);
        s.sort(Long::compareUnsigned);
        return s;
    }

    private static List<String> hex(List<Long> keys) {
        return keys.stream().map(Long::toHexString).toList();
    }

    @SafeVarargs
    private static void closeAll(List<PrInitiator>... groups) {
        for (List<PrInitiator> g : groups) {
            Collections.reverse(g);
            g.forEach(PrInitiator::close);
        }
    }
}
