package io.cairn.lun.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Whether the in-sync copies of every sub-unit of a LUN, and its DR copies, are identical
 * (versions and content digests), as `cairn lun verify` prints it (field names are the JSON keys).
 * A DR copy still catching up differs: verify once writes are quiet and the DR backlog is shipped.
 *
 * @param identical true only if every sub-unit is placed and all its copies agree
 */
public record LunVerification(String lun, List<SubUnit> subUnits, boolean identical) {

    /**
     * @param replicas the in-sync copies asked
     * @param drCopies the DR copies asked, node by site (absent when there are none)
     * @param problem  what differed or failed, or null
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record SubUnit(int index, List<Integer> replicas, Map<String, Integer> drCopies, boolean identical,
                          String problem) {}
}
