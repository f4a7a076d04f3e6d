package io.cairn.store.oplog;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A store's operation log (architecture.md "Durability"): every change of every sub-unit of one
 * data directory is appended here after it reached the block file and version map in the page
 * cache; a FUA write or a flush is durable once the log is durable up to its record, one
 * {@code fdatasync} of the log for every change before it, shared by all who wait at the time
 * (group commit). The block files and version maps are forced later, at a checkpoint, and only
 * then is the log trimmed below it.
 *
 * <p>Positions ({@code lsn}) are byte offsets in one stream that only grows, across restarts too.
 */
public interface OpLog extends AutoCloseable {

    /**
     * Appends {@code record}, whose effects the caller has already applied, and returns the
     * position just after it. Waits while the log is full (until a checkpoint trims it); never
     * fails for lack of room. The record's buffers stay the caller's.
     */
    long append(LogRecord record) throws IOException;

    /** The position after the last appended record. */
    long appended();

    /** Completes once every record before {@code lsn} is durable (at once if it is already). */
    CompletableFuture<Void> sync(long lsn);

    /**
     * Whether someone asked for a sync lately (a FUA write or a flush): then a write that need not
     * be durable is still worth a record, as the next sync will make it durable for one shared
     * fdatasync. The default: always.
     */
    default boolean syncedRecently() {
        return true;
    }

    /**
     * The change source ({@link ChangeCursors}): replication blocks {@code first..last} of
     * {@code subUnit} changed. Called for every change, with a record or not, before its record is
     * appended. The default: nothing keeps track.
     */
    default void noteChanged(String subUnit, int first, int last) {
    }

    /** Whether every change needs a record, durable or not: a change cursor exists. The default: no. */
    default boolean recordsEveryChange() {
        return false;
    }

    /**
     * A sync will follow soon (the caller makes a change without FUA and then flushes): from now
     * on {@link #syncedRecently} says so, and the change gets a record rather than a force.
     */
    default void syncComing() {
    }

    /** Completes once every record appended before this call is durable. */
    default CompletableFuture<Void> syncAll() {
        return sync(appended());
    }

    @Override
    void close() throws IOException;
}
