package io.cairn.store;

import io.cairn.store.oplog.LogRecord;
import io.cairn.store.oplog.OpLog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sub-unit's changes made without a log record ({@link Change}): counted when made, and
 * forgotten once a force that began after them has ended and its {@link LogRecord.Forced} mark
 * is appended.
 */
final class UnloggedChanges implements Change.Unlogged {
    /** Work that may fail with an I/O error: forcing the sub-unit's files. */
    interface Force {
        void run() throws IOException;
    }

    private final AtomicLong made = new AtomicLong();
    private final AtomicLong forced = new AtomicLong();

    @Override
    public boolean pending() {
        return made.get() > forced.get();
    }

    @Override
    public void add() {
        made.incrementAndGet();
    }

    /**
     * Runs {@code force} and, if changes without a record were pending, appends a Forced mark for
     * the log position taken before the force began (every record ending there has its effects in
     * the files), so that a replay does not apply those records over the changes that have none.
     * Those changes count as forced only once the mark is appended, so a flush that then finds none
     * pending still syncs past the mark. Returns the position after the mark, 0 if none was needed.
     */
    long forceMarked(Force force, OpLog log, String subUnit) throws IOException {
        long upToChange = made.get(); // every change without a record counted so far is in the files
        boolean wasPending = upToChange > forced.get();
        long upTo = log.appended();
        force.run();
        long end = 0;
        if (wasPending) {
            end = log.append(new LogRecord(subUnit, List.of(new LogRecord.Forced(upTo))));
        }
        forced.accumulateAndGet(upToChange, Math::max);
        return end;
    }
}
