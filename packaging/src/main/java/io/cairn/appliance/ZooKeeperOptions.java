package io.cairn.appliance;

import io.cairn.coord.client.Coordination;
import picocli.CommandLine.Option;

/**
 * The ZooKeeper ensemble a cluster role joins (`cairn store`, `cairn gateway`). `cairn run` has its
 * own --zk-connect: there it is optional and replaces the embedded server.
 */
final class ZooKeeperOptions {
    static final String DEFAULT_SESSION_TIMEOUT = "6s";

    @Option(names = "--zk-connect", required = true, description = "ZooKeeper ensemble host:port[,host:port].")
    String zkConnect;
    @Option(names = "--zk-session-timeout", defaultValue = DEFAULT_SESSION_TIMEOUT,
            description = "ZooKeeper session timeout; a store's bounds its failover time (default: ${DEFAULT-VALUE}).")
    String zkSessionTimeout;

    Coordination.Settings settings() {
        return Coordination.Settings.of(zkConnect).withSessionTimeout(Durations.parse(zkSessionTimeout, "--zk-session-timeout"));
    }
}
