package io.cairn.appliance;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Where a gateway listens for iSCSI and how deep each session's command window is (`cairn run`,
 * `cairn gateway`). `cairn store --iscsi-port` is not this option: there it is optional and starts
 * an in-process gateway.
 */
final class IscsiOptions {
    @Option(names = "--listen", defaultValue = GatewayConfig.DEFAULT_LISTEN, description = "iSCSI listen address (default: ${DEFAULT-VALUE}).")
    String listen;
    @Option(names = "--iscsi-port", defaultValue = "" + GatewayConfig.DEFAULT_ISCSI_PORT, description = "iSCSI port (default: ${DEFAULT-VALUE}).")
    int iscsiPort;
    @Option(names = "--queue-depth", defaultValue = "" + GatewayConfig.DEFAULT_QUEUE_DEPTH, description = "Commands outstanding per session (default: ${DEFAULT-VALUE}).")
    int queueDepth;

    InetSocketAddress address() {
        if (iscsiPort < 0 || iscsiPort > 65535) {
            throw new IllegalArgumentException("--iscsi-port must be 0..65535, not " + iscsiPort);
        }
        return new InetSocketAddress(listen, iscsiPort);
    }

    void validate() {
        if (queueDepth < 1 || queueDepth > GatewayConfig.MAX_QUEUE_DEPTH) {
            throw new IllegalArgumentException("--queue-depth must be 1.." + GatewayConfig.MAX_QUEUE_DEPTH);
        }
    }
}
