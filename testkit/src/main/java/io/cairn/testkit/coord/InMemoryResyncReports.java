package io.cairn.testkit.coord;

import io.cairn.coord.placement.ResyncReports;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ResyncReports} held in this process: the last report per (LUN, sub-unit, replica). */
public final class InMemoryResyncReports implements ResyncReports {

    private final Map<String, Report> reports = new ConcurrentHashMap<>();

    @Override
    public void record(Report report) {
        reports.put(report.lunId() + "/" + report.index() + "-" + report.replica(), report);
    }

    @Override
    public List<Report> list(String lunId) {
        return reports.values().stream().filter(r -> r.lunId().equals(lunId))
                .sorted(Comparator.comparingInt(Report::index).thenComparingInt(Report::replica)).toList();
    }
}
