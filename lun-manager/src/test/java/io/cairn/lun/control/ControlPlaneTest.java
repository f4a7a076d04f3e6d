package io.cairn.lun.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.lun.Durability;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.lun.SitePolicy;
import io.cairn.testkit.coord.InMemoryLeadership;
import io.cairn.testkit.coord.InMemoryLunCatalog;
import io.cairn.testkit.coord.InMemoryNodeRegistry;
import io.cairn.testkit.coord.InMemoryPlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.placement.PlacementPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {
    static final String LUN = "vol-a";
    static final int SUB_UNITS = 16;
    static final Duration GONE = Duration.ofSeconds(60);

    private final InMemoryLunCatalog catalog = new InMemoryLunCatalog();
    private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
    private final InMemoryPlacementStore placements = new InMemoryPlacementStore();
    private final InMemoryLeadership leadership = new InMemoryLeadership(true);
    private final AtomicLong clock = new AtomicLong();
    private ScheduledExecutorService executor;
    private ControlPlane plane;

    @BeforeEach
    void setUp() {
        for (int id = 1; id <= 4; id++) {
            registry.register(new NodeInfo(id, "tokyo", "host" + id, 7000));
        }
        registry.register(new NodeInfo(9, "osaka", "host9", 7000)); // another site: never a local copy
        executor = Executors.newSingleThreadScheduledExecutor();
        plane = newPlane(leadership);
    }

    private ControlPlane newPlane(InMemoryLeadership lead) {
        // sweeps only on demand, so each test decides when a pass runs
        return new ControlPlane(catalog, registry, placements, lead, new PlacementPolicy(), lun -> "tokyo", GONE,
                Duration.ofHours(1), executor, clock::get);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        plane.close();
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void createLun(String id, int copies) throws Exception {
        catalog.create(new LunDefinition(id, "iqn.2024-01.io.cairn:" + id, 512, SUB_UNITS * 64L, 64, copies,
                "6" + "0".repeat(31), "S" + id, 0));
    }

    private ClusterStatus pass() throws Exception {
        return plane.reconcile().get(10, TimeUnit.SECONDS);
    }

    private SubUnitPlacement placement(int index) {
        return placements.get(LUN, index).orElseThrow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            Thread.sleep(5);
        }
    }

    @Test
    void newLunIsPlacedOnTheSiteWithAllReplicasInSync() throws Exception {
        createLun(LUN, 2);
        ClusterStatus status = pass();
        assertEquals(SUB_UNITS, placements.list(LUN).size());
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(2, p.replicas().size());
            assertEquals(2, new HashSet<>(p.replicas()).size());
            assertTrue(List.of(1, 2, 3, 4).containsAll(p.replicas()), "copy outside the site: " + p);
            assertEquals(p.replicas().get(0), p.primary());
            assertEquals(1, p.epoch());
            assertEquals(p.replicas(), p.inSync());
        }
        ClusterStatus.Lun lun = status.lun(LUN);
        assertTrue(lun.healthy(), lun.toString());
        assertEquals(SUB_UNITS, lun.primaries().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(2 * SUB_UNITS, lun.replicas().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aLunWhoseDefinitionRecordsASiteIsPlacedThereWhateverTheGatewayWouldChoose() throws Exception {
        registry.register(new NodeInfo(10, "osaka", "host10", 7000));
        catalog.create(new LunDefinition("vol-o", "iqn.2024-01.io.cairn:vol-o", 512, SUB_UNITS * 64L, 64, 2,
                "6" + "0".repeat(31), "Svol-o", 0, Durability.WRITE_BACK, SitePolicy.in("osaka")));
        createLun(LUN, 2); // records no site: the plane's choice (tokyo) as before
        pass();
        assertEquals(SUB_UNITS, placements.list("vol-o").size());
        for (SubUnitPlacement p : placements.list("vol-o")) {
            assertEquals(new HashSet<>(List.of(9, 10)), new HashSet<>(p.replicas()), "copy outside osaka: " + p);
        }
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertTrue(List.of(1, 2, 3, 4).containsAll(p.replicas()), "copy outside tokyo: " + p);
        }
    }

    @Test
    void singleCopyLunsAreNotDistributed() throws Exception {
        createLun("local", 1);
        ClusterStatus status = pass();
        assertTrue(placements.list("local").isEmpty());
        assertTrue(status.luns().isEmpty());
    }

    @Test
    void deadPrimaryIsReplacedByAnInSyncReplicaWithTheNextEpoch() throws Exception {
        createLun(LUN, 2);
        pass();
        List<SubUnitPlacement> before = placements.list(LUN);
        int dead = before.get(0).primary();
        registry.kill(dead);
        ClusterStatus status = pass();

        int holding = 0;
        for (SubUnitPlacement old : before) {
            SubUnitPlacement now = placement(old.index());
            assertEquals(old.replicas(), now.replicas(), "the dead node keeps its slot until it is gone");
            if (old.primary() == dead) {
                int survivor = old.replicas().get(1);
                assertEquals(survivor, now.primary());
                assertEquals(old.epoch() + 1, now.epoch());
                assertEquals(List.of(survivor), now.inSync());
            } else if (old.replicas().contains(dead)) {
                assertEquals(old.primary(), now.primary());
                assertEquals(old.epoch(), now.epoch(), "losing a secondary does not change the primary's epoch");
                assertEquals(List.of(old.primary()), now.inSync());
            } else {
                assertEquals(old, now);
            }
            if (old.replicas().contains(dead)) {
                holding++;
            }
        }
        assertEquals(holding, status.lun(LUN).degraded());
        assertEquals(0, status.lun(LUN).unavailable());
    }

    @Test
    void withThreeCopiesTheNewPrimaryIsAloneInSyncUntilItHasResyncedTheOthers() throws Exception {
        createLun(LUN, 3);
        pass();
        List<SubUnitPlacement> before = placements.list(LUN);
        int dead = before.get(0).primary();
        registry.kill(dead);
        pass();
        for (SubUnitPlacement old : before) {
            SubUnitPlacement now = placement(old.index());
            if (old.primary() == dead) {
                // an unacknowledged write of the dead primary may be on one survivor and not the other
                assertEquals(old.epoch() + 1, now.epoch());
                assertEquals(List.of(now.primary()), now.inSync());
                assertEquals(old.replicas(), now.replicas());
            } else if (old.replicas().contains(dead)) {
                assertEquals(old.inSync().stream().filter(r -> r != dead).toList(), now.inSync(),
                        "losing a secondary leaves the other copies in sync");
            }
        }
    }

    @Test
    void primaryWithoutAnInSyncReplicaIsLeftUnavailable() throws Exception {
        createLun(LUN, 2);
        pass();
        SubUnitPlacement p = placement(0);
        int primary = p.primary();
        placements.put(p.withInSync(List.of(primary))); // secondary still being resynced
        SubUnitPlacement resyncing = placement(0);
        registry.kill(primary);
        ClusterStatus status = pass();
        assertEquals(resyncing, placement(0), "an out-of-sync copy must not be promoted");
        assertEquals(1, status.lun(LUN).unavailable());
    }

    @Test
    void returningNodeChangesNothingHere() throws Exception {
        createLun(LUN, 2);
        pass();
        int dead = placement(0).primary();
        registry.kill(dead);
        pass();
        List<SubUnitPlacement> failedOver = placements.list(LUN);
        long writes = placements.writes();
        registry.revive(dead);
        pass();
        assertEquals(failedOver, placements.list(LUN), "the primary resyncs the returning node, not the control plane");
        assertEquals(writes, placements.writes());
    }

    @Test
    void nodeGoneLongerThanTheTimeoutIsReplacedAndForgotten() throws Exception {
        createLun(LUN, 2);
        pass();
        int dead = placement(0).primary();
        List<SubUnitPlacement> before = placements.list(LUN);
        registry.kill(dead);
        pass();
        clock.addAndGet(GONE.toNanos() - 1);
        pass();
        assertTrue(placements.list(LUN).stream().anyMatch(p -> p.replicas().contains(dead)), "replaced too early");

        clock.addAndGet(1);
        ClusterStatus status = pass();
        for (SubUnitPlacement old : before) {
            SubUnitPlacement p = placement(old.index());
            assertFalse(p.replicas().contains(dead), "still on the gone node: " + p);
            assertEquals(2, new HashSet<>(p.replicas()).size());
            assertTrue(List.of(1, 2, 3, 4).containsAll(p.replicas()));
            if (old.replicas().contains(dead)) {
                assertEquals(1, p.inSync().size(), "the new copy is rebuilt by the primary, not in sync yet: " + p);
                assertEquals(old.replicas().indexOf(dead), p.replicas().indexOf(p.replicas().stream()
                        .filter(id -> !old.replicas().contains(id)).findFirst().orElseThrow()), "replaced in place");
            } else {
                assertEquals(old, p, "a sub-unit without the gone node moved");
            }
        }
        assertTrue(registry.node(dead).isEmpty(), "a replaced node is forgotten");
        assertFalse(status.down().containsKey(dead));
    }

    @Test
    void everyReactionIsIdempotent() throws Exception {
        createLun(LUN, 2);
        pass();
        long writes = placements.writes();
        pass();
        assertEquals(writes, placements.writes(), "re-placing a placed LUN");

        registry.kill(placement(3).primary());
        pass();
        List<SubUnitPlacement> once = placements.list(LUN);
        writes = placements.writes();
        pass();
        // a new leader (fresh state) looking at the same cluster agrees
        plane.close();
        plane = newPlane(leadership);
        pass();
        assertEquals(once, placements.list(LUN));
        assertEquals(writes, placements.writes(), "failover repeated");
    }

    @Test
    void nonLeaderWritesNothingUntilItLeads() throws Exception {
        InMemoryLeadership follower = new InMemoryLeadership(false);
        plane.close();
        plane = newPlane(follower);
        plane.start();
        createLun(LUN, 2);
        ClusterStatus status = pass();
        assertFalse(status.leader());
        assertTrue(placements.list(LUN).isEmpty());
        assertEquals(0L, placements.writes());

        follower.setLeader(true); // the leadership listener starts a pass
        await(() -> placements.list(LUN).size() == SUB_UNITS);
    }

    @Test
    void reactsToMembershipWithoutBeingAsked() throws Exception {
        plane.start();
        createLun(LUN, 2);
        await(() -> placements.list(LUN).size() == SUB_UNITS);
        int dead = placement(5).primary();
        registry.kill(dead);
        await(() -> placements.list(LUN).stream().noneMatch(p -> p.primary() == dead));
        assertNotEquals(dead, placement(5).primary());
    }

    @Test
    void shortSiteIsFilledWhenANodeJoins() throws Exception {
        registry.kill(2);
        registry.kill(3);
        registry.kill(4);
        createLun(LUN, 2);
        ClusterStatus status = pass();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(List.of(1), p.replicas());
        }
        assertEquals(SUB_UNITS, status.lun(LUN).degraded());

        registry.revive(3);
        status = pass();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(List.of(1, 3), p.replicas());
            assertEquals(List.of(1), p.inSync(), "the new copy is rebuilt first");
        }
        assertEquals(Map.of(1, SUB_UNITS), status.lun(LUN).primaries());
    }

    /** Store nodes that receive DR copies: 10 and 11 in osaka, 20 in nagoya (9, in osaka, receives none). */
    private void registerDrReceivers() {
        registry.register(new NodeInfo(10, "osaka", "host10", 7000, 3271));
        registry.register(new NodeInfo(11, "osaka", "host11", 7000, 3271));
        registry.register(new NodeInfo(20, "nagoya", "host20", 7000, 3271));
    }

    @Test
    void everySubUnitGetsOneDrCopyPerOtherSiteOnANodeThatReceivesThem() throws Exception {
        registerDrReceivers();
        createLun(LUN, 2);
        ClusterStatus status = pass();
        Set<Integer> osaka = new HashSet<>();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(Set.of("nagoya", "osaka"), p.drCopies().keySet(), p.toString());
            assertEquals(20, p.drCopies().get("nagoya"));
            assertTrue(List.of(10, 11).contains(p.drCopies().get("osaka")), "not a receiving osaka node: " + p);
            osaka.add(p.drCopies().get("osaka"));
            assertTrue(List.of(1, 2, 3, 4).containsAll(p.replicas()), "copy outside tokyo: " + p);
        }
        assertEquals(Set.of(10, 11), osaka, "DR copies spread over the site's receivers");
        assertEquals(Map.of("nagoya", SUB_UNITS, "osaka", SUB_UNITS), status.lun(LUN).drCopies());
        long writes = placements.writes();
        pass();
        assertEquals(writes, placements.writes(), "re-placing DR copies already placed");
    }

    @Test
    void aLunThatNamesItsDrSitesGetsCopiesThereOnlyAndASiteWithoutReceiversGetsThemWhenOneJoins() throws Exception {
        registry.register(new NodeInfo(20, "nagoya", "host20", 7000, 3271));
        catalog.create(new LunDefinition(LUN, "iqn.2024-01.io.cairn:" + LUN, 512, SUB_UNITS * 64L, 64, 2,
                "6" + "0".repeat(31), "S" + LUN, 0, Durability.WRITE_BACK,
                SitePolicy.in("tokyo").withDrSites(List.of("osaka"))));
        ClusterStatus status = pass();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(Map.of(), p.drCopies(), "nagoya is not named; osaka's only node receives none: " + p);
        }
        assertEquals(Map.of(), status.lun(LUN).drCopies());
        assertTrue(status.lun(LUN).healthy(), "DR copies are counted apart from local health");

        registry.register(new NodeInfo(11, "osaka", "host11", 7000, 3271));
        status = pass();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(Map.of("osaka", 11), p.drCopies(), p.toString());
        }
        assertEquals(Map.of("osaka", SUB_UNITS), status.lun(LUN).drCopies());
    }

    @Test
    void aDrCopyIsKeptWhileItsNodeIsDownAndReplacedOnceItIsGoneThenTheNodeIsForgotten() throws Exception {
        registerDrReceivers();
        createLun(LUN, 2);
        pass();
        List<SubUnitPlacement> before = placements.list(LUN);
        registry.kill(10);
        pass();
        clock.addAndGet(GONE.toNanos() - 1);
        pass();
        assertEquals(before, placements.list(LUN), "a DR copy moved while its node was only down");

        clock.addAndGet(1);
        pass();
        for (SubUnitPlacement old : before) {
            SubUnitPlacement p = placement(old.index());
            assertEquals(11, p.drCopies().get("osaka"), "not re-placed on the site's other receiver: " + p);
            assertEquals(old.replicas(), p.replicas(), "local copies moved with a DR copy");
            assertEquals(old.drCopies().get("nagoya"), p.drCopies().get("nagoya"));
        }
        assertTrue(registry.node(10).isEmpty(), "a node whose DR copies are re-placed is forgotten");

        registry.kill(20);
        pass();
        clock.addAndGet(GONE.toNanos());
        pass();
        ClusterStatus status = pass();
        for (SubUnitPlacement p : placements.list(LUN)) {
            assertEquals(Map.of("osaka", 11), p.drCopies(), "nagoya has no receiver left: " + p);
        }
        assertTrue(registry.node(20).isEmpty(), "nagoya's gone node is forgotten once no placement names it");
        assertEquals(Map.of("osaka", SUB_UNITS), status.lun(LUN).drCopies());
    }
}
