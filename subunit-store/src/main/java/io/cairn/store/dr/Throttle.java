package io.cairn.store.dr;

/**
 * A token bucket in bytes per second for one site link: {@link #acquire} waits until the bytes may
 * go. The bucket holds at most a tenth of a second of bytes (at least one frame), so a quiet link
 * does not save up a burst. 0 bytes per second: no limit.
 */
final class Throttle {
    private final long bytesPerSecond;
    private final double capacity;
    private double tokens;
    private long last = System.nanoTime();

    Throttle(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("negative bandwidth limit " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = Math.max(bytesPerSecond / 10.0, ShipProtocol.MAX_BODY_BYTES);
        this.tokens = capacity;
    }

    void acquire(long bytes) throws InterruptedException {
        if (bytesPerSecond == 0) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * bytesPerSecond / 1e9);
            last = now;
            if (tokens >= bytes || tokens >= capacity) {
                tokens -= bytes; // a frame larger than the bucket goes when the bucket is full
                return;
            }
            long waitNanos = (long) ((Math.min(bytes, capacity) - tokens) * 1e9 / bytesPerSecond);
            Thread.sleep(Math.max(1, waitNanos / 1_000_000));
        }
    }
}
