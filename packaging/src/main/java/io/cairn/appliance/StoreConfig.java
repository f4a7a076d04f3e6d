package io.cairn.appliance;

import io.cairn.coord.lun.SitePolicy;
import io.cairn.coord.client.Coordination;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a store role is configured with (`cairn store`), with every default in one place.
 *
 * @param coordination     the ZooKeeper ensemble and session timeout (the session timeout bounds failover time)
 * @param nodeId           this node's id, 1..65535, unique in the cluster
 * @param site             this node's failure domain
 * @param dataDir          the data directory
 * @param listen           the block protocol address and port
 * @param replicationBlockBytes bytes per replication block (the unit of versions and resync)
 * @param ioThreads        block I/O threads for reads and writes; 0 runs them on the network threads
 * @param netThreads       event loop threads of the block protocol
 * @param gateway          a gateway in this process, or null for none
 */
public record StoreConfig(Coordination.Settings coordination, int nodeId, String site, Path dataDir, InetSocketAddress listen,
                          int replicationBlockBytes, int ioThreads, int netThreads, GatewayConfig gateway) {

    public static final String DEFAULT_SITE = "default";
    public static final String DEFAULT_LISTEN = "127.0.0.1";
    public static final int DEFAULT_BLOCK_PORT = 3270;
    public static final String DEFAULT_REPLICATION_BLOCK = "4K";
    public static final int DEFAULT_IO_THREADS = 0;
    public static final int DEFAULT_NET_THREADS = 2;
    /** Threads that force data to disk (FUA, SYNCHRONIZE CACHE), apart from the I/O threads. */
    public static final int SYNC_THREADS = 2;

    public StoreConfig {
        Objects.requireNonNull(coordination, "coordination");
        SitePolicy.checkName(site);
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(listen, "listen");
        if (nodeId < 1 || nodeId > 65535) {
            throw new IllegalArgumentException("node id must be 1..65535, not " + nodeId);
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("I/O threads must be 0 or more, not " + ioThreads);
        }
        if (netThreads < 1) {
            throw new IllegalArgumentException("network threads must be at least 1, not " + netThreads);
        }
    }
}
