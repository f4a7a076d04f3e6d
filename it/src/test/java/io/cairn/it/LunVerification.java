package io.cairn.it;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@code cairn lun verify --json}: the exit code (0 when every sub-unit's in-sync replicas
 * hold identical data and version ids, by the stores' digests), the parsed report (null when the output held
 * no JSON object) and the raw output for failure messages.
 */
record LunVerification(int exitCode, Report report, String output) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Report(String lun, boolean identical, List<SubUnit> subUnits) {
        Report {
            subUnits = subUnits == null ? List.of() : List.copyOf(subUnits);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SubUnit(int index, List<Integer> replicas, Map<String, Integer> drCopies, boolean identical, String problem) {
        SubUnit {
            drCopies = drCopies == null ? Map.of() : Map.copyOf(drCopies);
        }
    }

    /** Parses the JSON object in {@code output} (the launcher may print log lines around it). */
    static LunVerification of(int exitCode, String output) {
        Report report = null;
        String json = Cluster.jsonObjectIn(output);
        if (json != null) {
            try {
                report = LunStatus.JSON.readValue(json, Report.class);
            } catch (IOException unparsable) {
                // report stays null: the assertion on it shows the output
            }
        }
        return new LunVerification(exitCode, report, output);
    }

    /** Exit 0, a report that says identical, and every sub-unit identical. */
    boolean identical() {
        return exitCode == 0 && report != null && report.identical() && !report.subUnits().isEmpty()
                && report.subUnits().stream().allMatch(SubUnit::identical);
    }
}
