package io.cairn.store.net;

import java.time.Duration;

/**
 * How a {@link BlockClient} talks to one node.
 *
 * @param requestTimeout from the call to its response; past it the call fails with UNAVAILABLE
 * @param connectTimeout for establishing the connection
 * @param maxInFlight    requests sent and not yet answered; further calls queue in the client
 * @param maxDataBytes   largest data part sent or accepted (the server's limit must be as large)
 */
public record BlockClientSettings(Duration requestTimeout, Duration connectTimeout, int maxInFlight,
                                  int maxDataBytes) {

    public BlockClientSettings {
        if (requestTimeout.isNegative() || requestTimeout.isZero() || connectTimeout.isNegative()
                || connectTimeout.isZero() || maxInFlight < 1 || maxDataBytes < 1) {
            throw new IllegalArgumentException("timeouts and bounds must be positive");
        }
    }

    public static BlockClientSettings defaults() {
        return new BlockClientSettings(Duration.ofSeconds(10), Duration.ofSeconds(3), 256,
                BlockProtocol.DEFAULT_MAX_DATA_BYTES);
    }

    public BlockClientSettings withRequestTimeout(Duration timeout) {
        return new BlockClientSettings(timeout, connectTimeout, maxInFlight, maxDataBytes);
    }

    public BlockClientSettings withMaxInFlight(int max) {
        return new BlockClientSettings(requestTimeout, connectTimeout, max, maxDataBytes);
    }
}
