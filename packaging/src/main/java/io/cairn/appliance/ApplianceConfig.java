package io.cairn.appliance;

import io.cairn.lun.lifecycle.LunSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything `cairn run` is configured with: the single-node appliance, every role in one process,
 * with every default in one place. Defaults give an embedded ZooKeeper, one store, one gateway and
 * a 1 GiB LUN made at the first start.
 *
 * @param dataDir    the data directory (ZooKeeper's data, the store)
 * @param zkConnect  an external ZooKeeper ensemble, or null to run an embedded server
 * @param zkListen   the embedded server's client address
 * @param nodeId     this node's id, 1..65535
 * @param ioThreads  block I/O threads
 * @param gateway    the gateway part
 * @param defaultLun the LUN made at the first start if no LUN of its id exists, or null for none
 */
public record ApplianceConfig(Path dataDir, String zkConnect, InetSocketAddress zkListen, int nodeId, int ioThreads,
                              GatewayConfig gateway, LunSpec defaultLun) {

    public static final String DEFAULT_DATA_DIR = "/var/lib/cairn";
    public static final int DEFAULT_ZK_PORT = 2181;
    public static final int DEFAULT_NODE_ID = 1;
    public static final String DEFAULT_LUN_ID = "default";
    public static final String DEFAULT_LUN_SIZE = "1G";
    public static final int DEFAULT_IO_THREADS = 8;
    public static final String DEFAULT_METRICS = "127.0.0.1:9573";
    /** One node holds one copy. */
    public static final int COPIES = 1;

    public ApplianceConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(zkListen, "zkListen");
        Objects.requireNonNull(gateway, "gateway");
        if (nodeId < 1 || nodeId > 65535) {
            throw new IllegalArgumentException("node id must be 1..65535, not " + nodeId);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("I/O threads must be at least 1, not " + ioThreads);
        }
    }
}
