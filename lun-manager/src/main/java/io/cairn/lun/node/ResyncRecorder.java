package io.cairn.lun.node;

import io.cairn.coord.placement.ResyncReports;
import io.cairn.store.replica.ResyncReport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a store's finished resyncs go: its log, and coordination's resync reports (for `cairn lun
 * status`). A report that cannot be recorded is logged and dropped: it is information for operators,
 * and the resync it describes has happened either way.
 */
public final class ResyncRecorder implements Consumer<ResyncReport> {
    private static final Logger log = LoggerFactory.getLogger(ResyncRecorder.class);

    private final ResyncReports reports;
    private final LongSupplier clock;

    /** @param clock wall-clock milliseconds, for the finishing time */
    public ResyncRecorder(ResyncReports reports, LongSupplier clock) {
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public void accept(ResyncReport r) {
        log.info("resync {} -> node {}: {} of {} replication blocks copied in {} ms",
                r.subUnit(), r.replica(), r.blocksCopied(), r.blocksCompared(), r.millis());
        try {
            reports.record(new ResyncReports.Report(r.subUnit().lunId(), r.subUnit().index(), r.replica(),
                    r.blocksCompared(), r.blocksCopied(), r.millis(), clock.getAsLong()));
        } catch (RuntimeException e) {
            log.warn("could not record resync report: {}", e.toString());
        }
    }
}
