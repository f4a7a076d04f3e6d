package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DR sites end to end, real processes (architecture.md "DR copy placement", "DR shipping"): the
 * default cluster (three stores in tokyo, the LUN's site) plus one store in osaka and one in
 * nagoya, each announcing a ship port. The LUN names no DR sites, so every other site holds a DR
 * copy of each sub-unit; QEMU writes through the gateway, the tokyo primaries ship, and
 * {@code cairn lun verify} compares every local and DR copy by the stores' digests and version ids.
 * A DR store killed with SIGKILL misses writes and catches up from the primaries' change cursors
 * when it returns; a tokyo primary killed with SIGKILL hands shipping to the new primary, which
 * ships what its own cursor lists.
 */
class DrSitesIT {
    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final long LUN_SIZE = Appliance.parseSize(OPTIONS.lunSize());
    private static final long SUBUNIT_SIZE = Appliance.parseSize(OPTIONS.subunitSize());
    private static final int SUBUNITS = (int) (LUN_SIZE / SUBUNIT_SIZE);
    private static final Map<String, Integer> DR = Map.of("osaka", 4, "nagoya", 5);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    @BeforeAll
    static void needQemu() {
        assumeTrue(ExternalCommand.onPath("qemu-io"), "qemu-io missing (apt-get install qemu-utils)");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void drCopiesEndIdenticalAcrossAKilledDrStoreAndAKilledPrimary() throws Exception {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.addStore(4, "osaka");
            cluster.addStore(5, "nagoya");
            LunStatus placed = cluster.awaitStatus("every sub-unit in sync with a DR copy in osaka and nagoya",
                    s -> s.fullyReplicated(OPTIONS.copies()) && s.subUnits().size() == SUBUNITS
                            && s.subUnits().stream().allMatch(u -> u.drCopies().equals(DR)), Duration.ofSeconds(60));
            for (LunStatus.SubUnit u : placed.subUnits()) {
                assertTrue(u.replicas().stream().allMatch(n -> n <= 3), "a local copy outside tokyo\n" + placed);
            }
            List<PatternPlan.Write> written = new ArrayList<>();

            // 1. the whole LUN written once: every byte reaches both DR sites
            PatternPlan fill = PatternPlan.acrossSubUnits(LUN_SIZE, SUBUNIT_SIZE);
            write(cluster, fill.writes(), written);
            awaitIdentical(cluster, "after the first writes");

            // 2. osaka's store is killed; writes go on and wait for nothing there
            cluster.kill9Store(4);
            write(cluster, scattered(0xa1, 0), written);
            LunVerification behind = cluster.verify();
            assertNotEquals(0, behind.exitCode(), "verify with osaka down must not pass\n" + behind.output());
            assertTrue(behind.report() != null && behind.report().subUnits().stream()
                    .anyMatch(u -> u.problem() != null && u.problem().contains("DR copy in osaka")),
                    "verify names the DR copy it could not ask\n" + behind.output());
            cluster.restartStore(4);
            awaitIdentical(cluster, "after osaka's store returned");

            // 3. a tokyo primary is killed: its sub-units fail over and their new primaries ship from their cursors
            int victim = placed.subUnit(0).primary();
            cluster.kill9Store(victim);
            cluster.awaitStatus("no sub-unit led by killed node " + victim,
                    s -> s.subUnits().stream().noneMatch(u -> u.primary() == victim) && s.unavailable() == 0,
                    Duration.ofSeconds(60));
            write(cluster, scattered(0xb2, 16 * PatternPlan.KIB), written);
            awaitIdentical(cluster, "after the failover from node " + victim);

            QemuIo.run(cluster.url(), new PatternPlan(LUN_SIZE, written).finalContent(), PatternPlan.Write::qemuRead,
                    "read", cluster::output);
        }
    }

    private static void write(Cluster cluster, List<PatternPlan.Write> writes, List<PatternPlan.Write> written)
            throws IOException {
        QemuIo.run(cluster.url(), writes, PatternPlan.Write::qemuWrite, "wrote", cluster::output);
        written.addAll(writes);
    }

    /** 64 KiB in each sub-unit and one write across each boundary, at {@code shift} into the sub-unit. */
    private static List<PatternPlan.Write> scattered(int pattern, long shift) {
        List<PatternPlan.Write> writes = new ArrayList<>();
        for (int i = 0; i < SUBUNITS; i++) {
            long start = i * SUBUNIT_SIZE;
            writes.add(new PatternPlan.Write(start + SUBUNIT_SIZE / 3 + shift, 64 * PatternPlan.KIB, pattern));
            if (i > 0) {
                writes.add(new PatternPlan.Write(start - 12 * PatternPlan.KIB + shift, 24 * PatternPlan.KIB, pattern + 1));
            }
        }
        return writes;
    }

    /** Polls {@code lun verify} until every local and DR copy of every sub-unit is identical. */
    private static void awaitIdentical(Cluster cluster, String when) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        LunVerification v;
        while (true) {
            v = cluster.verify();
            if (v.identical()) {
                break;
            }
            assertFalse(System.nanoTime() > deadline, "DR copies not identical " + CATCH_UP.toSeconds() + " s " + when
                    + "\n" + v.output() + "\n" + QemuIo.tail(cluster.output()));
            Thread.sleep(1000);
        }
        assertEquals(SUBUNITS, v.report().subUnits().size(), v.output());
        for (LunVerification.SubUnit u : v.report().subUnits()) {
            assertEquals(DR, u.drCopies(), "verify asked both DR copies of sub-unit " + u.index() + "\n" + v.output());
        }
    }
}
