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
 * @param shipPort         where, on the {@code listen} address, this store receives DR copies from other
 *                         sites: a port, 0 for any free one, {@link #NO_SHIP_PORT} to receive none
 * @param drShipBytesPerSecond the limit of what this store ships to each DR site (0: none)
 * @param replicationBlockBytes bytes per replication block (the unit of versions and resync)
 * @param ioThreads        block I/O threads for reads and writes; 0 runs them on the network threads
 * @param netThreads       event loop threads of the block protocol
 * @param gateway          a gateway in this process, or null for none
 */
public record StoreConfig(Coordination.Settings coordination, int nodeId, String site, Path dataDir, InetSocketAddress listen,
                          int shipPort, long drShipBytesPerSecond, int replicationBlockBytes, int ioThreads, int netThreads, GatewayConfig gateway) {

    public static final String DEFAULT_SITE = "default";
    public static final String DEFAULT_LISTEN = "127.0.0.1";
    public static final int DEFAULT_BLOCK_PORT = 3270;
    public static final int DEFAULT_SHIP_PORT = 3271;
    /** {@code shipPort}: this store receives no DR copies (the control plane places none here). */
    public static final int NO_SHIP_PORT = -1;
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
        if (shipPort < NO_SHIP_PORT || shipPort > 65535) {
            throw new IllegalArgumentException("ship port must be 0..65535 or none, not " + shipPort);
        }
        if (drShipBytesPerSecond < 0) {
            throw new IllegalArgumentException("DR ship rate must be 0 (no limit) or more, not " + drShipBytesPerSecond);
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("I/O threads must be 0 or more, not " + ioThreads);
        }
        if (netThreads < 1) {
            throw new IllegalArgumentException("network threads must be at least 1, not " + netThreads);
        }
    }
}
