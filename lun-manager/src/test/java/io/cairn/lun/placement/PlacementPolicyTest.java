package io.cairn.lun.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
    static final int SUB_UNITS = 256;
    private final PlacementPolicy policy = new PlacementPolicy();

    static List<NodeInfo> nodes(int... ids) {
        return IntStream.of(ids).mapToObj(id -> new NodeInfo(id, "tokyo", "host" + id, 7000)).toList();
    }

    static List<NodeInfo> range(int from, int to) {
        return nodes(IntStream.rangeClosed(from, to).toArray());
    }

    private List<List<Integer>> placeAll(String lun, int copies, List<NodeInfo> candidates) {
        List<List<Integer>> sets = new ArrayList<>();
        for (int i = 0; i < SUB_UNITS; i++) {
            PlacementPolicy.Choice c = policy.place(lun, i, copies, candidates);
            assertEquals(0, c.shortfall());
            sets.add(c.replicas());
        }
        return sets;
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 8})
    void copiesAndPrimariesSpreadEvenly(int nodeCount) {
        List<List<Integer>> sets = placeAll("vol-a", 2, range(1, nodeCount));
        Map<Integer, Integer> copies = new HashMap<>();
        Map<Integer, Integer> primaries = new HashMap<>();
        for (List<Integer> set : sets) {
            assertEquals(2, set.size());
            assertEquals(2, new HashSet<>(set).size(), "replicas on distinct nodes");
            set.forEach(id -> copies.merge(id, 1, Integer::sum));
            primaries.merge(set.get(0), 1, Integer::sum);
        }
        double fairCopies = SUB_UNITS * 2.0 / nodeCount;
        double fairPrimaries = (double) SUB_UNITS / nodeCount;
        for (int id = 1; id <= nodeCount; id++) {
            int c = copies.getOrDefault(id, 0);
            int p = primaries.getOrDefault(id, 0);
            assertTrue(Math.abs(c - fairCopies) <= 0.3 * fairCopies, "node " + id + " holds " + c + " copies, fair " + fairCopies);
            assertTrue(Math.abs(p - fairPrimaries) <= 0.4 * fairPrimaries, "node " + id + " is primary of " + p + ", fair " + fairPrimaries);
        }
    }

    @Test
    void deterministicAndDifferentPerLun() {
        assertEquals(placeAll("vol-a", 2, range(1, 8)), placeAll("vol-a", 2, range(1, 8)));
        assertNotEquals(placeAll("vol-a", 2, range(1, 8)), placeAll("vol-b", 2, range(1, 8)));
    }

    @Test
    void aDepartingNodeMovesOnlyTheSubUnitsItHeld() {
        List<List<Integer>> before = placeAll("vol-a", 2, range(1, 8));
        List<NodeInfo> without5 = new ArrayList<>(range(1, 8));
        without5.removeIf(n -> n.id() == 5);
        List<List<Integer>> after = placeAll("vol-a", 2, without5);
        int moved = 0;
        for (int i = 0; i < SUB_UNITS; i++) {
            if (!before.get(i).contains(5)) {
                assertEquals(before.get(i), after.get(i), "sub-unit " + i + " moved without cause");
            } else {
                moved++;
                List<Integer> survivors = new ArrayList<>(before.get(i));
                survivors.remove(Integer.valueOf(5));
                assertTrue(after.get(i).containsAll(survivors), "sub-unit " + i + " lost a surviving copy");
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void aJoiningNodeWouldTakeAboutItsFairShare() {
        List<List<Integer>> before = placeAll("vol-a", 2, range(1, 8));
        List<List<Integer>> after = placeAll("vol-a", 2, range(1, 9));
        int changed = 0;
        for (int i = 0; i < SUB_UNITS; i++) {
            if (!before.get(i).equals(after.get(i))) {
                Set<Integer> gained = new HashSet<>(after.get(i));
                gained.removeAll(before.get(i));
                assertEquals(Set.of(9), gained, "only the new node may gain copies");
                changed++;
            }
        }
        double fair = SUB_UNITS * 2.0 / 9;
        assertTrue(changed >= 0.6 * fair && changed <= 1.4 * fair, changed + " sub-units moved, fair share " + fair);
    }

    @Test
    void tooFewNodesPlacesWhatItCanAndReportsTheShortfall() {
        PlacementPolicy.Choice c = policy.place("vol-a", 0, 3, range(1, 2));
        assertEquals(2, c.replicas().size());
        assertEquals(1, c.shortfall());
        PlacementPolicy.Choice none = policy.place("vol-a", 0, 2, List.of());
        assertEquals(List.of(), none.replicas());
        assertEquals(2, none.shortfall());
    }

    @Test
    void copiesGoToDistinctHostsWhenThereAreEnough() {
        List<NodeInfo> twoHosts = List.of(new NodeInfo(1, "tokyo", "a", 7001), new NodeInfo(2, "tokyo", "a", 7002),
                new NodeInfo(3, "tokyo", "b", 7001), new NodeInfo(4, "tokyo", "b", 7002));
        Map<Integer, String> host = Map.of(1, "a", 2, "a", 3, "b", 4, "b");
        for (int i = 0; i < SUB_UNITS; i++) {
            List<Integer> set = policy.place("vol-a", i, 2, twoHosts).replicas();
            assertNotEquals(host.get(set.get(0)), host.get(set.get(1)), "sub-unit " + i + " has both copies on one host");
        }
        // three copies on two hosts: shared rather than short
        assertEquals(3, policy.place("vol-a", 0, 3, twoHosts).replicas().size());
    }

    @Test
    void chooseSkipsExcludedNodes() {
        PlacementPolicy.Choice c = policy.choose("vol-a", 3, 2, List.of(1, 2), range(1, 4), List.of());
        assertEquals(Set.of(3, 4), new HashSet<>(c.replicas()));
    }
}
