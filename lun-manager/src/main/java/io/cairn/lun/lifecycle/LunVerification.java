package io.cairn.lun.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Whether the in-sync copies of every sub-unit of a LUN are identical (versions and content
 * digests), as `cairn lun verify` prints it (field names are the JSON keys).
 *
 * @param identical true only if every sub-unit is placed and its copies agree
 */
public record LunVerification(String lun, List<SubUnit> subUnits, boolean identical) {

    /**
     * @param replicas the in-sync copies asked
     * @param problem  what differed or failed, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SubUnit(int index, List<Integer> replicas, boolean identical, String problem) {}
}
