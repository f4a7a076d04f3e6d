package io.cairn.lun.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.lun.Durability;
import io.cairn.coord.lun.SitePolicy;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.ResyncReports;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.LunIdentity;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.SubUnitId;
import io.cairn.testkit.coord.InMemoryLunCatalog;
import io.cairn.testkit.coord.InMemoryPlacementStore;
import io.cairn.testkit.coord.InMemoryResyncReports;
import io.cairn.testkit.replica.MemoryReplicaService;
import io.cairn.testkit.replica.MemorySubUnits;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LunLifecycleTest {

    private static final long NOW = 1_700_000_000_000L;
    private final InMemoryLunCatalog catalog = new InMemoryLunCatalog();
    private final InMemoryPlacementStore placements = new InMemoryPlacementStore();
    private final InMemoryResyncReports resyncs = new InMemoryResyncReports();

    private LunLifecycle lifecycle(Map<Integer, MemoryReplicaService> nodes) {
        return new LunLifecycle(catalog, placements, resyncs, node -> {
            MemoryReplicaService s = nodes.get(node);
            if (s == null) {
                throw new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "node " + node + " is not known");
            }
            return s;
        }, () -> NOW);
    }

    /** 3 sub-units of 1 MiB (the last 512 KiB), 512-byte blocks, two copies. */
    private static LunSpec spec() {
        return new LunSpec("db", (5L << 20) / 2, 512, 1L << 20, 2, "iqn.2026-11.test:", "00a0b1");
    }

    private void place(String lun, int index, List<Integer> replicas, List<Integer> inSync) {
        placements.update(lun, index, p -> new SubUnitPlacement(lun, index, replicas, replicas.get(0), 3, inSync)).join();
    }

    @Test
    void createRecordsTheLunWithANewIdentity() throws Exception {
        LunDefinition lun = lifecycle(Map.of()).create(spec());
        assertEquals(lun, catalog.get("db").orElseThrow(), "what create returns is what the catalog holds");
        assertEquals("iqn.2026-11.test:db", lun.targetIqn());
        assertEquals(5120, lun.blockCount());
        assertEquals(2048, lun.subUnitBlocks());
        assertEquals(3, lun.subUnitCount());
        assertEquals(1024, lun.subUnitBlockCount(2), "the last sub-unit is the rest");
        assertEquals(2, lun.copies());
        assertTrue(lun.naa().startsWith("600a0b1"), "NAA-6 with the configured company id: " + lun.naa());
        assertEquals(LunIdentity.serialFor(lun.naa()), lun.serial());
        assertEquals(NOW, lun.createdMillis());
    }

    @Test
    void aSecondCreateOfOneIdIsRefusedAndKeepsTheFirst() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        LunDefinition first = luns.create(spec());
        assertThrows(LunCatalog.LunExistsException.class, () -> luns.create(spec()));
        assertEquals(first, catalog.get("db").orElseThrow());
    }

    @Test
    void aSpecThatCannotBeALunIsRefusedBeforeAnythingIsWritten() {
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("db", 1 << 20, 1024, 1 << 20, 2, "p:", "00a0b1"));
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("db", 1000, 512, 1 << 20, 2, "p:", "00a0b1"));
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("db", 1 << 20, 512, 1000, 2, "p:", "00a0b1"));
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("Db!", 1 << 20, 512, 1 << 20, 2, "p:", "00a0b1"));
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("db", 1 << 20, 512, 1 << 20, 0, "p:", "00a0b1"));
        assertThrows(IllegalArgumentException.class, () -> new LunSpec("db", 1 << 20, 512, 1 << 20, 2, "p:", "XYZ"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LunSpec("db", 1000, 512, 1 << 20, 2, "p:", "00a0b1"));
        assertTrue(e.getMessage().contains("size") && e.getMessage().contains("512"), e.getMessage());
        assertTrue(catalog.list().isEmpty());
    }

    @Test
    void statusCountsPlacedDegradedAndUnavailableSubUnitsAndListsResyncs() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        assertTrue(luns.status("db").isEmpty(), "no such LUN");
        luns.create(spec());
        place("db", 0, List.of(1, 2), List.of(1, 2));
        place("db", 1, List.of(2, 3), List.of(2)); // degraded: node 3 out of sync
        resyncs.record(new ResyncReports.Report("db", 1, 3, 256, 7, 12, NOW + 5));

        LunStatus s = luns.status("db").orElseThrow();
        assertEquals(2, s.placed());
        assertEquals(3, s.subUnitCount());
        assertEquals(1, s.degraded());
        assertEquals(1, s.unavailable(), "sub-unit 2 has no placement");
        assertEquals(List.of(new LunStatus.SubUnit(0, 1, 3, List.of(1, 2), List.of(1, 2)),
                new LunStatus.SubUnit(1, 2, 3, List.of(2, 3), List.of(2))), s.subUnits());
        assertEquals(List.of(new LunStatus.Resync(1, 3, 256, 7, 12, NOW + 5)), s.resyncs());
    }

    @Test
    void statusJsonKeepsTheKeysTheCliHasAlwaysPrinted() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        luns.create(spec());
        place("db", 0, List.of(1, 2), List.of(1));
        String json = new ObjectMapper().writeValueAsString(luns.status("db").orElseThrow());
        assertEquals("{\"lun\":\"db\",\"target\":\"iqn.2026-11.test:db\",\"sizeBytes\":2621440,\"copies\":2,"
                + "\"durability\":\"write-back\",\"sites\":{\"site\":null,\"drSites\":null,\"dropLocalCopy\":false},"
                + "\"subUnits\":[{\"index\":0,\"primary\":1,\"epoch\":3,\"replicas\":[1,2],\"inSync\":[1]}],"
                + "\"placed\":1,\"subUnitCount\":3,\"degraded\":1,\"unavailable\":2,\"resyncs\":[]}", json);
    }

    @Test
    void aLunsSitePolicyIsStoredAndReported() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        SitePolicy sites = SitePolicy.in("tokyo").withDrSites(List.of("osaka")).withDropLocalCopy(true);
        luns.create(spec().withSites(sites));
        assertEquals(sites, catalog.get("db").orElseThrow().sites());
        assertEquals(new LunStatus.Sites("tokyo", List.of("osaka"), true), luns.status("db").orElseThrow().sites());
    }

    @Test
    void aDurableLunIsStoredAndReportedAsSuch() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        luns.create(spec().withDurability(Durability.DURABLE));
        assertEquals(Durability.DURABLE, catalog.get("db").orElseThrow().durability());
        assertEquals("durable", luns.status("db").orElseThrow().durability());
    }

    @Test
    void verifyComparesEveryInSyncCopyAndNamesWhatDiffers() throws Exception {
        MemorySubUnits shared = new MemorySubUnits(2048, 512);
        MemorySubUnits apart = new MemorySubUnits(2048, 512);
        MemoryReplicaService n1 = new MemoryReplicaService(1, shared);
        MemoryReplicaService n2 = new MemoryReplicaService(2, shared);
        MemoryReplicaService n3 = new MemoryReplicaService(3, apart);
        LunLifecycle luns = lifecycle(Map.of(1, n1, 2, n2, 3, n3));
        luns.create(spec());
        place("db", 0, List.of(1, 2), List.of(1, 2));
        place("db", 1, List.of(1, 3), List.of(1, 3));
        place("db", 2, List.of(1, 4), List.of(1, 4)); // node 4 is not known
        // sub-unit 1 differs: node 1's copy was written, node 3's (its own memory) was not
        n1.copy(new SubUnitId("db", 1)).write(0, Unpooled.wrappedBuffer(new byte[512]), false).join();

        LunVerification v = luns.verify("db");
        assertFalse(v.identical());
        assertEquals(new LunVerification.SubUnit(0, List.of(1, 2), Map.of(), true, null), v.subUnits().get(0));
        assertEquals(new LunVerification.SubUnit(1, List.of(1, 3), Map.of(), false, "node 3 differs from node 1"),
                v.subUnits().get(1));
        assertFalse(v.subUnits().get(2).identical());
        assertTrue(v.subUnits().get(2).problem().startsWith("node 4: "), v.subUnits().get(2).problem());
    }

    @Test
    void verifyComparesEveryDrCopyWithTheLocalOnesAndNamesItsSite() throws Exception {
        MemoryReplicaService n1 = new MemoryReplicaService(1, new MemorySubUnits(2048, 512));
        MemoryReplicaService n2 = new MemoryReplicaService(2, new MemorySubUnits(2048, 512));
        MemoryReplicaService n5 = new MemoryReplicaService(5, new MemorySubUnits(2048, 512));
        LunLifecycle luns = lifecycle(Map.of(1, n1, 2, n2, 5, n5));
        luns.create(spec());
        for (int i = 0; i < 3; i++) {
            int index = i;
            Map<String, Integer> dr = i == 2 ? Map.of("osaka", 5, "nagoya", 6) : Map.of("osaka", 5); // node 6 unknown
            placements.update("db", index, p -> new SubUnitPlacement("db", index, List.of(1, 2), 1, 3, List.of(1, 2), dr))
                    .join();
        }
        byte[] block = new byte[512];
        block[7] = 42;
        for (MemoryReplicaService n : List.of(n1, n2)) { // sub-unit 0 written locally and shipped; 1 not shipped
            n.copy(new SubUnitId("db", 0)).write(0, Unpooled.wrappedBuffer(block.clone()), false).join();
            n.copy(new SubUnitId("db", 1)).write(0, Unpooled.wrappedBuffer(block.clone()), false).join();
        }
        n5.copy(new SubUnitId("db@dr", 0)).write(0, Unpooled.wrappedBuffer(block.clone()), false).join();

        LunVerification v = luns.verify("db");
        assertFalse(v.identical());
        assertEquals(new LunVerification.SubUnit(0, List.of(1, 2), Map.of("osaka", 5), true, null), v.subUnits().get(0));
        assertEquals("DR copy in osaka (node 5) differs from node 1", v.subUnits().get(1).problem());
        assertTrue(v.subUnits().get(2).problem().startsWith("DR copy in nagoya (node 6): "), v.subUnits().get(2).problem());
        assertTrue(new ObjectMapper().writeValueAsString(luns.status("db").orElseThrow())
                .contains("\"inSync\":[1,2],\"drCopies\":{\"osaka\":5}}"), "lun status shows the DR copies");
    }

    @Test
    void verifyOfAnUnplacedLunIsNotIdentical() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        luns.create(spec());
        assertFalse(luns.verify("db").identical(), "nothing placed, nothing verified");
    }

    @Test
    void awaitPlacementReturnsOnceEverySubUnitIsPlacedOrTheTimeIsUp() throws Exception {
        LunLifecycle luns = lifecycle(Map.of());
        luns.create(spec());
        place("db", 0, List.of(1, 2), List.of(1, 2));
        assertEquals(1, luns.awaitPlacement("db", Duration.ofMillis(200)), "time up with one of three placed");
        place("db", 1, List.of(1, 2), List.of(1, 2));
        place("db", 2, List.of(1, 2), List.of(1, 2));
        assertEquals(3, luns.awaitPlacement("db", Duration.ofSeconds(10)));
    }
}
