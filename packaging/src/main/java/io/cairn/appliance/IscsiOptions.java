package io.cairn.appliance;

import picocli.CommandLine.Option;

/**
 * Where a gateway listens for iSCSI and how deep each session's command window is (`cairn run`,
 * `cairn gateway`). `cairn store --iscsi-port` is not this option: there it is optional and starts
 * an in-process gateway.
 */
final class IscsiOptions {
    @Option(names = "--listen", defaultValue = "0.0.0.0", description = "iSCSI listen address (default: ${DEFAULT-VALUE}).")
    String listen;
    @Option(names = "--iscsi-port", defaultValue = "3260", description = "iSCSI port (default: ${DEFAULT-VALUE}).")
    int iscsiPort;
    @Option(names = "--queue-depth", defaultValue = "128", description = "Commands outstanding per session (default: ${DEFAULT-VALUE}).")
    int queueDepth;

    void validate() {
        if (queueDepth < 1 || queueDepth > 4096) {
            throw new IllegalArgumentException("--queue-depth must be 1..4096");
        }
    }
}
