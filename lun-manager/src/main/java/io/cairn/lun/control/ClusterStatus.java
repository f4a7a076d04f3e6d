package io.cairn.lun.control;

import java.util.List;
import java.util.Map;

/**
 * What an operator needs to know about distributed LUNs, as this process's control plane sees it.
 *
 * @param leader whether this process runs the control plane (only the leader's view drives repairs)
 * @param live   ids of live store nodes
 * @param down   ids of known nodes that are not live, with how long they have been seen away (ms)
 * @param luns   one entry per distributed LUN, by id
 */
public record ClusterStatus(boolean leader, List<Integer> live, Map<Integer, Long> down, List<Lun> luns) {

    public ClusterStatus {
        live = List.copyOf(live);
        down = Map.copyOf(down);
        luns = List.copyOf(luns);
    }

    /**
     * @param subUnits    sub-units of the LUN
     * @param unplaced    sub-units without a placement yet (no live node in the site)
     * @param degraded    sub-units serving with fewer in-sync copies than the LUN's policy asks
     * @param unavailable sub-units whose primary is down with no in-sync copy to promote
     * @param primaries   per node id, sub-units it is primary of
     * @param replicas    per node id, sub-units it holds a copy of (in sync or not)
     * @param drCopies    per DR site that holds any, sub-units with a DR copy placed there
     */
    public record Lun(String lunId, int subUnits, int unplaced, int degraded, int unavailable,
                      Map<Integer, Integer> primaries, Map<Integer, Integer> replicas, Map<String, Integer> drCopies) {
        public Lun {
            primaries = Map.copyOf(primaries);
            replicas = Map.copyOf(replicas);
            drCopies = Map.copyOf(drCopies);
        }

        /** Every sub-unit placed, served, and with all its local copies in sync (DR copies are counted apart). */
        public boolean healthy() {
            return unplaced == 0 && degraded == 0 && unavailable == 0;
        }
    }

    public Lun lun(String lunId) {
        return luns.stream().filter(l -> l.lunId().equals(lunId)).findFirst().orElse(null);
    }
}
