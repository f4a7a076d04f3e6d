package io.cairn.lun.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Placement, health and resyncs of one LUN, as `cairn lun status` prints it (field names are the
 * JSON keys). Read from coordination at one moment; sub-units are listed by index.
 *
 * @param durability   when writes are acknowledged: write-back or durable
 * @param sites        where the copies live, as the LUN's definition records it
 * @param placed       sub-units with a placement
 * @param degraded     placed sub-units with fewer in-sync copies than replicas
 * @param unavailable  sub-units without a placement (no copy can serve them)
 */
public record LunStatus(String lun, String target, long sizeBytes, int copies, String durability, Sites sites,
                        List<SubUnit> subUnits, int placed,
                        int subUnitCount, int degraded, int unavailable, List<Resync> resyncs) {

    /**
     * The LUN's site policy: its local site (null if its definition predates recorded sites, and
     * the control plane chooses), its DR sites (null for every other site with store nodes), and
     * whether the second local copy is dropped once the DR copies hold a block.
     */
    public record Sites(String site, List<String> drSites, boolean dropLocalCopy) {}

    /**
     * One sub-unit's replica set: its primary and epoch, every replica, the in-sync ones, and the
     * node holding its DR copy in each DR site (absent from the JSON when there is none).
     */
    public record SubUnit(int index, int primary, long epoch, List<Integer> replicas, List<Integer> inSync,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> drCopies) {
        /** A sub-unit without DR copies. */
        public SubUnit(int index, int primary, long epoch, List<Integer> replicas, List<Integer> inSync) {
            this(index, primary, epoch, replicas, inSync, Map.of());
        }
    }

    /** The last resync of one (sub-unit, replica). */
    public record Resync(int index, int replica, long blocksCompared, long blocksCopied, long millis,
                         long finishedAtMillis) {}
}
