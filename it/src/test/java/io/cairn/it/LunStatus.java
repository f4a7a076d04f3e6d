package io.cairn.it;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code cairn lun status --json} reports for one distributed LUN: each sub-unit's replica set, primary,
 * epoch and in-sync replicas, the counts of degraded and unavailable sub-units, and the resyncs done so far.
 * Fields the tests do not read are ignored, so the report may grow.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LunStatus(String lun, Sites sites, List<SubUnit> subUnits, int degraded, int unavailable, List<Resync> resyncs) {

    /** The LUN's recorded site policy: its local site, its DR sites (null: every other site), the drop flag. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Sites(String site, List<String> drSites, boolean dropLocalCopy) {
    }

    /**
     * One sub-unit: node ids of its replicas, of its primary, of the replicas holding every acknowledged write,
     * and of the node holding its DR copy in each DR site.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SubUnit(int index, List<Integer> replicas, int primary, long epoch, List<Integer> inSync,
                   Map<String, Integer> drCopies) {
        SubUnit {
            replicas = replicas == null ? List.of() : List.copyOf(replicas);
            inSync = inSync == null ? List.of() : List.copyOf(inSync);
            drCopies = drCopies == null ? Map.of() : Map.copyOf(drCopies);
        }
    }

    /** One finished resync of one replica of one sub-unit: how many replication blocks it compared and copied. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Resync(int index, int replica, long blocksCompared, long blocksCopied, long millis) {
    }

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    LunStatus {
        subUnits = subUnits == null ? List.of() : List.copyOf(subUnits);
        resyncs = resyncs == null ? List.of() : List.copyOf(resyncs);
    }

    static LunStatus parse(String json) throws IOException {
        return JSON.readValue(json, LunStatus.class);
    }

    /** Every node that holds a replica of some sub-unit. */
    Set<Integer> nodesHoldingReplicas() {
        Set<Integer> nodes = new TreeSet<>();
        subUnits.forEach(s -> nodes.addAll(s.replicas()));
        return nodes;
    }

    /** The indexes of the sub-units with a replica on {@code node}. */
    Set<Integer> subUnitsOn(int node) {
        Set<Integer> indexes = new TreeSet<>();
        subUnits.stream().filter(s -> s.replicas().contains(node)).forEach(s -> indexes.add(s.index()));
        return indexes;
    }

    /** The indexes of the sub-units whose primary is {@code node}. */
    Set<Integer> primaryOn(int node) {
        Set<Integer> indexes = new TreeSet<>();
        subUnits.stream().filter(s -> s.primary() == node).forEach(s -> indexes.add(s.index()));
        return indexes;
    }

    SubUnit subUnit(int index) {
        return subUnits.stream().filter(s -> s.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no sub-unit " + index + " in " + this));
    }

    /** True when every sub-unit has {@code copies} replicas, all in sync, and nothing is degraded or unavailable. */
    boolean fullyReplicated(int copies) {
        return degraded == 0 && unavailable == 0 && !subUnits.isEmpty() && subUnits.stream().allMatch(s ->
                s.replicas().size() == copies && Set.copyOf(s.replicas()).size() == copies
                        && Set.copyOf(s.inSync()).equals(Set.copyOf(s.replicas())));
    }
}
