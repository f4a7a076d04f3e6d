package io.cairn.store.oplog;

import java.time.Duration;

/**
 * The bounds of one store's operation log.
 *
 * @param capacityBytes       the most the live log holds; an append that would pass it waits for a
 *                            checkpoint (nothing fails). It also bounds the write-back lag: the
 *                            block files and version maps are never behind by more than this
 * @param segmentBytes        a segment file is closed for writing, forced, and a new one begun
 *                            once it holds this much
 * @param checkpointBytes     a checkpoint begins once this much was appended since the last one
 * @param checkpointInterval  and at the latest this long after a change, however little was appended
 * @param loggedAfterSync     how long after a sync request (FUA, flush) writes without FUA still get
 *                            a record (so that the next flush costs one shared fdatasync); after
 *                            that they go to the files alone, and a flush forces those files
 */
public record OpLogSettings(long capacityBytes, long segmentBytes, long checkpointBytes,
                            Duration checkpointInterval, Duration loggedAfterSync) {
    public static final OpLogSettings DEFAULT =
            new OpLogSettings(1L << 30, 64L << 20, 256L << 20, Duration.ofSeconds(5), Duration.ofMillis(200));

    /** With the default {@code loggedAfterSync}. */
    public OpLogSettings(long capacityBytes, long segmentBytes, long checkpointBytes, Duration checkpointInterval) {
        this(capacityBytes, segmentBytes, checkpointBytes, checkpointInterval, Duration.ofMillis(200));
    }

    public OpLogSettings {
        if (segmentBytes < OpLogFormat.SEGMENT_HEADER_BYTES + 4096) {
            throw new IllegalArgumentException("operation log segments must hold at least 4 KiB");
        }
        if (capacityBytes < 4 * segmentBytes) {
            throw new IllegalArgumentException("operation log capacity must be at least four segments");
        }
        if (checkpointBytes <= 0 || checkpointBytes > capacityBytes / 2) {
            throw new IllegalArgumentException("checkpoint threshold must be positive and at most half the capacity");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval must be positive");
        }
    }
}
