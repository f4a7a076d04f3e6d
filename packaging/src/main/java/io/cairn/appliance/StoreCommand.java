package io.cairn.appliance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `cairn store`: one store node. Holds sub-unit replicas, serves the block protocol, and as
 * primary of a sub-unit replicates its writes and resyncs replicas that are behind.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Run a store node: sub-unit replicas, replication and resync, served over the block protocol.")
final class StoreCommand implements Callable<Integer> {

    @Mixin
    ZooKeeperOptions zk;
    @Option(names = "--node-id", required = true, description = "This node's id, 1..65535, unique in the cluster.")
    int nodeId;
    @Option(names = "--site", defaultValue = StoreConfig.DEFAULT_SITE, description = "Failure domain (site) of this node (default: ${DEFAULT-VALUE}).")
    String site;
    @Option(names = "--data-dir", required = true, description = "Data directory.")
    Path dataDir;
    @Option(names = "--listen", defaultValue = StoreConfig.DEFAULT_LISTEN, description = "Block protocol address (default: ${DEFAULT-VALUE}).")
    String listen;
    @Option(names = "--block-port", defaultValue = "" + StoreConfig.DEFAULT_BLOCK_PORT, description = "Block protocol port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--ship-port", defaultValue = "" + StoreConfig.DEFAULT_SHIP_PORT, description = "Port, on the --listen address, where this store receives DR copies of other sites' LUNs; 'off' to receive none (default: ${DEFAULT-VALUE}).")
    String shipPort;
    @Option(names = "--dr-ship-rate", defaultValue = "0", description = "Most bytes per second this store ships to each DR site, e.g. 100M; 0 for no limit (default: ${DEFAULT-VALUE}).")
    String drShipRate;
    @Option(names = "--replication-block", defaultValue = StoreConfig.DEFAULT_REPLICATION_BLOCK, description = "Replication block size (default: ${DEFAULT-VALUE}).")
    String replicationBlock;
    @Option(names = "--iscsi-port", description = "Also run a gateway in this process on this iSCSI port; its commands for sub-units led by this store take no network hop.")
    Integer iscsiPort;
    @Option(names = "--gateway-id", description = "Portal group tag and relative port id of that gateway (default: the node id).")
    Integer gatewayId;
    @Option(names = "--node-gone-timeout", defaultValue = GatewayConfig.DEFAULT_NODE_GONE_TIMEOUT, description = "For that gateway's control plane: a store away this long is replaced (default: ${DEFAULT-VALUE}).")
    String nodeGoneTimeout;
    @Option(names = "--io-threads", defaultValue = "" + StoreConfig.DEFAULT_IO_THREADS, description = "Block I/O threads for reads and writes; 0 runs them on the network threads, which costs less than a hand-off while data is in the page cache; use threads when reads miss the cache on slow disks. Forces (FUA, SYNCHRONIZE CACHE) always run on their own threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;
    @Option(names = "--net-threads", defaultValue = "" + StoreConfig.DEFAULT_NET_THREADS, description = "Network (event loop) threads of the block protocol (default: ${DEFAULT-VALUE}).")
    int netThreads;

    @Override
    public Integer call() throws InterruptedException {
        StoreConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("cairn: " + e.getMessage());
            return 2;
        }
        StartedParts started = new StartedParts();
        StoreRole.Started store;
        try {
            store = new StoreRole(config).start(started);
        } catch (IOException | RuntimeException e) {
            started.close();
            System.err.println("cairn: store failed to start: " + e);
            return 1;
        } catch (InterruptedException e) {
            started.close(); // whatever started, a ZooKeeper session and its ephemeral nodes among it, goes now
            throw e;
        }
        CountDownLatch stopped = StartedParts.closeOnShutdown(started);
        System.out.println("Store ready: node " + nodeId + " site " + site + " at " + listen + ":" + store.blockAddress().getPort()
                + (store.shipAddress() == null ? ", receives no DR copies"
                        : ", receives DR copies at " + listen + ":" + store.shipAddress().getPort()));
        if (store.portal() != null) {
            System.out.println("Gateway ready: portal " + store.portal().getAddress().getHostAddress() + ":"
                    + store.portal().getPort());
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    StoreConfig config() {
        GatewayConfig gateway = null;
        if (iscsiPort != null) {
            // The in-process gateway: the gateway defaults, on this store's address, in this store's site.
            gateway = GatewayConfig.defaults().withListen(new InetSocketAddress(listen, iscsiPort))
                    .withGatewayId(gatewayId == null ? nodeId : gatewayId).withSite(site)
                    .withNodeGoneTimeout(Durations.parse(nodeGoneTimeout, "--node-gone-timeout"));
        }
        long replication = Sizes.parse(replicationBlock);
        if (replication > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--replication-block is too large: " + replicationBlock);
        }
        int ship;
        if (shipPort.equals("off")) {
            ship = StoreConfig.NO_SHIP_PORT;
        } else {
            try {
                ship = Integer.parseInt(shipPort);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--ship-port must be a port or 'off', not '" + shipPort + "'");
            }
            if (ship < 0 || ship > 65535) {
                throw new IllegalArgumentException("--ship-port must be 0..65535 or 'off', not " + shipPort);
            }
        }
        return new StoreConfig(zk.settings(), nodeId, site, dataDir, new InetSocketAddress(listen, port),
                ship, drShipRate.trim().equals("0") ? 0 : Sizes.parse(drShipRate), (int) replication, ioThreads, netThreads, gateway);
    }
}
