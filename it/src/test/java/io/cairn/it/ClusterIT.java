package io.cairn.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The distributed LUN end to end (architecture.md "Write path", "Failure handling"): ZooKeeper, three stores of
 * one site, one gateway, a 256 MiB LUN in 16 MiB sub-units with two copies, ZooKeeper sessions of 4 s and
 * stores declared gone after 15 s; QEMU's initiator writes and verifies patterns, {@code cairn lun status}
 * shows placement, degradation and resyncs, {@code cairn lun verify} compares the copies by the stores'
 * digests and version ids. Each test starts its own cluster.
 */
class ClusterIT {

    private static final long MIB = PatternPlan.MIB;
    private static final long KIB = PatternPlan.KIB;
    /** Cluster stores replicate, version and resync in 4 KiB blocks. */
    private static final long REPLICATION_BLOCK = 4 * KIB;
    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final Cluster.Options AWAY_A_WHILE = new Cluster.Options(OPTIONS.stores(), OPTIONS.site(),
            OPTIONS.lunId(), OPTIONS.lunSize(), OPTIONS.subunitSize(), OPTIONS.copies(), OPTIONS.zkSessionTimeout(),
            "300s");
    private static final long LUN_SIZE = Appliance.parseSize(OPTIONS.lunSize());
    private static final long SUBUNIT_SIZE = Appliance.parseSize(OPTIONS.subunitSize());
    private static final int SUBUNITS = (int) (LUN_SIZE / SUBUNIT_SIZE);
    private static final int COPIES = OPTIONS.copies();
    private static final Set<Integer> NODES = IntStream.rangeClosed(1, OPTIONS.stores()).boxed()
            .collect(Collectors.toCollection(TreeSet::new));

    @BeforeAll
    static void needQemu() {
        assumeTrue(ExternalCommand.onPath("qemu-io"), "qemu-io missing (apt-get install qemu-utils)");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void writesAreReadBackAndBothCopiesAreIdentical() throws IOException {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            LunStatus status = cluster.awaitStatus("every sub-unit on " + COPIES + " in-sync replicas",
                    s -> s.fullyReplicated(COPIES), Duration.ofSeconds(60));
            assertPlacedOnDistinctNodes(status);
            assertEquals(NODES, status.nodesHoldingReplicas(), "sub-units spread over every store\n" + status);

            PatternPlan plan = PatternPlan.acrossSubUnits(LUN_SIZE, SUBUNIT_SIZE);
            QemuIo.run(cluster.url(), plan.writes(), PatternPlan.Write::qemuWrite, "wrote", cluster::output);
            QemuIo.run(cluster.url(), plan.finalContent(), PatternPlan.Write::qemuRead, "read", cluster::output);

            assertIdentical(cluster, status);
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void killingAStoreMidWorkloadLosesNothingAndResyncCopiesOnlyWhatChanged() throws Exception {
        // The victim stays away for the workload across the failover and the known writes: well under
        // a minute, but a loaded CI machine once took 56 s, past the default 15 s after which the
        // control plane re-places the victim's replicas (the test below covers that path).
        try (Cluster cluster = Cluster.start(AWAY_A_WHILE)) {
            LunStatus before = cluster.awaitStatus("every sub-unit on " + COPIES + " in-sync replicas",
                    s -> s.fullyReplicated(COPIES), Duration.ofSeconds(60));
            // The victim is primary of some sub-unit, and the workload writes there: its I/O must fail over.
            int victim = NODES.stream().max((a, b) -> Integer.compare(before.primaryOn(a).size(), before.primaryOn(b).size()))
                    .orElseThrow();
            assertFalse(before.primaryOn(victim).isEmpty(), "no store is primary of anything\n" + before);
            int hot = before.primaryOn(victim).iterator().next();
            Set<Integer> victimHolds = before.subUnitsOn(victim);
            List<PatternPlan.Write> workloadRanges = workloadRanges(hot);

            Map<Integer, Set<Long>> changedWhileAway;
            List<PatternPlan.Write> writtenWhileAway;
            List<PatternPlan.Write> workloadContent;
            long killedAt;
            try (PatternWorkload workload = new PatternWorkload(cluster.url(), workloadRanges)) {
                assertTrue(workload.await(() -> workload.completed() >= 2, Duration.ofMinutes(2)),
                        "workload before the kill: " + workload.failure() + "\n" + cluster.output());

                cluster.kill9Store(victim);
                killedAt = System.nanoTime();
                // Iterations after this one start after the kill: each rewrites every workload block.
                int startedBeforeKill = workload.started();

                LunStatus degraded = cluster.awaitStatus("node " + victim + "'s " + victimHolds.size()
                                + " sub-units degraded and failed over to a live in-sync primary",
                        s -> s.degraded() == victimHolds.size() && s.unavailable() == 0 && victimHolds.stream()
                                .map(s::subUnit).allMatch(u -> u.primary() != victim && u.inSync().contains(u.primary())
                                        && !u.inSync().contains(victim)),
                        Duration.ofSeconds(30));
                assertTrue(degraded.subUnit(hot).epoch() > before.subUnit(hot).epoch(),
                        "failover of sub-unit " + hot + " must raise its epoch\n" + before + "\n" + degraded);

                assertTrue(workload.await(() -> workload.completed() >= startedBeforeKill + 2, Duration.ofMinutes(2)),
                        "workload across the failover: " + workload.failure() + "\n" + cluster.output());
                workload.close();
                assertNull(workload.failure(), "the workload saw an error across the failover\n" + cluster.output());
                workloadContent = workload.content();

                // Known writes while the victim is away: 4 KiB-aligned, distinct blocks, disjoint from the workload's.
                writtenWhileAway = knownWrites(victimHolds);
                QemuIo.run(cluster.url(), writtenWhileAway, PatternPlan.Write::qemuWrite, "wrote", cluster::output);
                changedWhileAway = blocksBySubUnit(workloadRanges);
                blocksBySubUnit(writtenWhileAway).forEach((i, blocks) ->
                        changedWhileAway.merge(i, blocks, (a, b) -> union(a, b)));
            }

            cluster.restartStore(victim);
            long awayMillis = (System.nanoTime() - killedAt) / 1_000_000;
            LunStatus healed = cluster.awaitStatus("node " + victim + " back in sync: degraded == 0",
                    s -> s.fullyReplicated(COPIES), Duration.ofMinutes(2));
            for (int i = 0; i < SUBUNITS; i++) {
                assertEquals(Set.copyOf(before.subUnit(i).replicas()), Set.copyOf(healed.subUnit(i).replicas()),
                        "sub-unit " + i + " re-placed although node " + victim + " was away only " + awayMillis
                                + " ms (node-gone " + AWAY_A_WHILE.nodeGoneTimeout() + ")\n" + healed);
            }

            // Resync copied exactly the blocks written while the victim was away, per sub-unit it holds.
            Map<Integer, Long> expected = new TreeMap<>();
            Map<Integer, Long> copied = new TreeMap<>();
            for (int i : victimHolds) {
                expected.put(i, (long) changedWhileAway.getOrDefault(i, Set.of()).size());
                copied.put(i, copiedTo(healed, i, victim) - copiedTo(before, i, victim));
                assertTrue(resyncsOf(healed, i, victim) > resyncsOf(before, i, victim),
                        "no resync reported for node " + victim + " of sub-unit " + i + "\n" + healed);
            }
            assertEquals(expected, copied, "blocks copied by resync to node " + victim + " per sub-unit\n" + healed);
            long copiedToOthers = healed.resyncs().stream().filter(r -> r.replica() != victim)
                    .mapToLong(LunStatus.Resync::blocksCopied).sum()
                    - before.resyncs().stream().filter(r -> r.replica() != victim)
                    .mapToLong(LunStatus.Resync::blocksCopied).sum();
            assertEquals(0, copiedToOthers, "nodes that stayed up had nothing to catch up\n" + healed);

            assertIdentical(cluster, healed);
            QemuIo.run(cluster.url(), workloadContent, PatternPlan.Write::qemuRead, "read", cluster::output);
            QemuIo.run(cluster.url(), writtenWhileAway, PatternPlan.Write::qemuRead, "read", cluster::output);
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aStoreThatStaysAwayIsReplaced() throws IOException {
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            LunStatus before = cluster.awaitStatus("every sub-unit on " + COPIES + " in-sync replicas",
                    s -> s.fullyReplicated(COPIES), Duration.ofSeconds(60));
            int victim = NODES.stream().filter(n -> !before.subUnitsOn(n).isEmpty()).findFirst().orElseThrow();
            PatternPlan plan = PatternPlan.acrossSubUnits(LUN_SIZE, SUBUNIT_SIZE);
            QemuIo.run(cluster.url(), plan.writes(), PatternPlan.Write::qemuWrite, "wrote", cluster::output);

            cluster.stopStore(victim);
            Duration nodeGone = Duration.ofSeconds(Long.parseLong(OPTIONS.nodeGoneTimeout().replace("s", "")));
            LunStatus replaced = cluster.awaitStatus("every sub-unit on " + COPIES + " in-sync replicas without node "
                            + victim, s -> s.fullyReplicated(COPIES) && !s.nodesHoldingReplicas().contains(victim),
                    nodeGone.plus(Duration.ofMinutes(4)));
            assertPlacedOnDistinctNodes(replaced);
            for (int i = 0; i < SUBUNITS; i++) {
                if (!before.subUnit(i).replicas().contains(victim)) {
                    assertEquals(Set.copyOf(before.subUnit(i).replicas()), Set.copyOf(replaced.subUnit(i).replicas()),
                            "sub-unit " + i + " had no replica on node " + victim + ": it must not move\n" + replaced);
                }
            }

            assertIdentical(cluster, replaced);
            QemuIo.run(cluster.url(), plan.finalContent(), PatternPlan.Write::qemuRead, "read", cluster::output);
        }
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    void conformanceAgainstTheDistributedLun() throws IOException {
        assumeTrue(ExternalCommand.onPath("iscsi-test-cu"), "iscsi-test-cu missing (apt-get install libiscsi-bin)");
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            cluster.awaitStatus("every sub-unit on " + COPIES + " in-sync replicas",
                    s -> s.fullyReplicated(COPIES), Duration.ofSeconds(60));
            ConformanceIT.assertConformance(cluster.url(), "cluster", () -> cluster.allRunningExcept(Set.of()),
                    cluster::output);
            // Every command of the suite (WRITE SAME, UNMAP, COMPARE AND WRITE, ...) kept both copies identical.
            assertIdentical(cluster, cluster.status());
        }
    }

    /** Sub-units 0..N-1, each on {@code COPIES} distinct stores of this cluster, its primary one of them. */
    private static void assertPlacedOnDistinctNodes(LunStatus status) {
        assertEquals(OPTIONS.lunId(), status.lun(), status.toString());
        // `lun create` named no site: it recorded the stores' one, DR copies in every other site, both local copies kept
        assertEquals(new LunStatus.Sites(OPTIONS.site(), null, false), status.sites(), status.toString());
        assertEquals(IntStream.range(0, SUBUNITS).boxed().toList(),
                status.subUnits().stream().map(LunStatus.SubUnit::index).sorted().toList(), "sub-units\n" + status);
        for (LunStatus.SubUnit s : status.subUnits()) {
            assertEquals(COPIES, Set.copyOf(s.replicas()).size(), "distinct replicas of sub-unit " + s.index() + "\n" + status);
            assertTrue(NODES.containsAll(s.replicas()), "replicas on known stores\n" + status);
            assertTrue(s.replicas().contains(s.primary()), "primary is a replica, sub-unit " + s.index() + "\n" + status);
        }
    }

    /** {@code lun verify} exits 0 and reports every sub-unit identical on all its in-sync replicas. */
    private static void assertIdentical(Cluster cluster, LunStatus status) throws IOException {
        LunVerification v = cluster.verify();
        assertEquals(0, v.exitCode(), "lun verify\n" + v.output() + "\n" + status);
        assertTrue(v.identical(), "lun verify report\n" + v.output());
        assertEquals(SUBUNITS, v.report().subUnits().size(), "sub-units verified\n" + v.output());
        for (LunVerification.SubUnit s : v.report().subUnits()) {
            assertEquals(Set.copyOf(status.subUnit(s.index()).inSync()), Set.copyOf(s.replicas()),
                    "verify compared the in-sync replicas of sub-unit " + s.index() + "\n" + v.output() + "\n" + status);
        }
    }

    /**
     * The workload: 256 KiB inside sub-unit {@code hot} and 64 KiB straddling one of its boundaries, in 64 KiB
     * writes (4 KiB-aligned, so the blocks they change are exact).
     */
    private static List<PatternPlan.Write> workloadRanges(int hot) {
        long start = hot * SUBUNIT_SIZE;
        long boundary = hot + 1 < SUBUNITS ? start + SUBUNIT_SIZE : start;
        List<PatternPlan.Write> ranges = new ArrayList<>();
        for (long off = start + 4 * MIB; off < start + 4 * MIB + 256 * KIB; off += 64 * KIB) {
            ranges.add(new PatternPlan.Write(off, 64 * KIB, 0));
        }
        ranges.add(new PatternPlan.Write(boundary - 32 * KIB, 64 * KIB, 0));
        return ranges;
    }

    /**
     * Writes made while a store is away: in every sub-unit (held by the victim or not) one 4 KiB block, one
     * 12 KiB run and one 4 KiB block with a gap, 4 KiB-aligned, at 8-10 MiB into the sub-unit (away from the
     * workload's 4 MiB region and boundaries).
     */
    private static List<PatternPlan.Write> knownWrites(Set<Integer> victimHolds) {
        List<PatternPlan.Write> writes = new ArrayList<>();
        for (int i = 0; i < SUBUNITS; i++) {
            long base = i * SUBUNIT_SIZE + 8 * MIB + (i % 4) * REPLICATION_BLOCK;
            int pattern = (victimHolds.contains(i) ? 0xa0 : 0x70) + i % 0x10;
            writes.add(new PatternPlan.Write(base, 4 * KIB, pattern));
            writes.add(new PatternPlan.Write(base + 64 * KIB, 12 * KIB, pattern + 1));
            writes.add(new PatternPlan.Write(base + 2 * MIB, 4 * KIB, pattern + 2));
        }
        return writes;
    }

    /** The distinct replication blocks (LUN byte offset / 4 KiB) the writes change, by sub-unit index. */
    private static Map<Integer, Set<Long>> blocksBySubUnit(List<PatternPlan.Write> writes) {
        Map<Integer, Set<Long>> bySubUnit = new TreeMap<>();
        for (PatternPlan.Write w : writes) {
            assertEquals(0, w.offset() % REPLICATION_BLOCK, "test writes must be block-aligned: " + w);
            assertEquals(0, w.length() % REPLICATION_BLOCK, "test writes must be whole blocks: " + w);
            for (long off = w.offset(); off < w.end(); off += REPLICATION_BLOCK) {
                bySubUnit.computeIfAbsent((int) (off / SUBUNIT_SIZE), k -> new TreeSet<>()).add(off / REPLICATION_BLOCK);
            }
        }
        return bySubUnit;
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static long copiedTo(LunStatus status, int index, int node) {
        return status.resyncs().stream().filter(r -> r.index() == index && r.replica() == node)
                .mapToLong(LunStatus.Resync::blocksCopied).sum();
    }

    private static long resyncsOf(LunStatus status, int index, int node) {
        return status.resyncs().stream().filter(r -> r.index() == index && r.replica() == node).count();
    }

}
