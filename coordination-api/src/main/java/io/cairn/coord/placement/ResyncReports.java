package io.cairn.coord.placement;

import java.util.List;

/**
 * The last resync of each (sub-unit, replica), as the primary that ran it reports it. For operators
 * and tests; not on any I/O path.
 */
public interface ResyncReports {

    /** One finished resync: replication blocks compared and copied to the replica. */
    record Report(String lunId, int index, int replica, long blocksCompared, long blocksCopied, long millis,
                  long finishedAtMillis) {}

    /**
     * Records (or replaces) the report of its (sub-unit, replica).
     *
     * @throws io.cairn.coord.CoordinationUnavailableException if it could not be stored
     */
    void record(Report report);

    /** Reports of a LUN, by sub-unit index then replica. */
    List<Report> list(String lunId);
}
