package io.cairn.appliance;

import io.cairn.coord.Coordination;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.ResyncReports;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.store.SubUnitStore;
import io.cairn.store.net.BlockServer;
import io.cairn.store.net.BlockTransport;
import io.cairn.store.replica.ReplicaHost;
import io.cairn.replica.SubUnitId;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(StoreCommand.class);

    @Mixin
    ZooKeeperOptions zk;
    @Option(names = "--zk-session-timeout", defaultValue = "6s", description = "ZooKeeper session timeout; bounds failover time (default: ${DEFAULT-VALUE}).")
    String zkSessionTimeout;
    @Option(names = "--node-id", required = true, description = "This node's id, 1..65535, unique in the cluster.")
    int nodeId;
    @Option(names = "--site", defaultValue = "default", description = "Failure domain (site) of this node (default: ${DEFAULT-VALUE}).")
    String site;
    @Option(names = "--data-dir", required = true, description = "Data directory.")
    Path dataDir;
    @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Block protocol address (default: ${DEFAULT-VALUE}).")
    String listen;
    @Option(names = "--block-port", defaultValue = "3270", description = "Block protocol port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--replication-block", defaultValue = "4K", description = "Replication block size (default: ${DEFAULT-VALUE}).")
    String replicationBlock;
    @Option(names = "--iscsi-port", description = "Also run a gateway in this process on this iSCSI port; its commands for sub-units led by this store take no network hop.")
    Integer iscsiPort;
    @Option(names = "--gateway-id", description = "Portal group tag and relative port id of that gateway (default: the node id).")
    Integer gatewayId;
    @Option(names = "--node-gone-timeout", defaultValue = "60s", description = "For that gateway's control plane: a store away this long is replaced (default: ${DEFAULT-VALUE}).")
    String nodeGoneTimeout;
    @Option(names = "--io-threads", defaultValue = "0", description = "Block I/O threads for reads and writes; 0 runs them on the network threads, which costs less than a hand-off while data is in the page cache; use threads when reads miss the cache on slow disks. Forces (FUA, SYNCHRONIZE CACHE) always run on their own threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;
    @Option(names = "--net-threads", defaultValue = "2", description = "Network (event loop) threads of the block protocol (default: ${DEFAULT-VALUE}).")
    int netThreads;

    @Override
    public Integer call() throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Duration session = Durations.parse(zkSessionTimeout, "--zk-session-timeout");
            Files.createDirectories(dataDir);
            Coordination coordination = new Coordination(Coordination.Settings.of(zk.zkConnect).withSessionTimeout(session)).start();
            started.push(coordination);
            LunCatalog catalog = coordination.openLunCatalog();
            NodeRegistry nodes = coordination.openNodeRegistry();
            PlacementStore placements = coordination.openPlacementStore();
            ResyncReports reports = new ResyncReports(coordination);

            java.util.concurrent.Executor io;
            if (ioThreads > 0) {
                ExecutorService pool = Executors.newFixedThreadPool(ioThreads, Appliance.daemonThreads("cairn-io-"));
                started.push(pool::shutdownNow);
                io = pool;
            } else {
                io = Runnable::run;
            }
            ExecutorService sync = Executors.newFixedThreadPool(2, Appliance.daemonThreads("cairn-sync-"));
            started.push(sync::shutdownNow);
            SubUnitStore store = SubUnitStore.open(dataDir.resolve("store"), nodeId, io, sync,
                    (int) Sizes.parse(replicationBlock));
            started.push(store);
            BlockTransport transport = new BlockTransport(netThreads);
            started.push(transport::close);
            ClusterClients peers = new ClusterClients(nodes, transport, nodeId, null);
            started.push(peers);
            ReplicaHost host = new ReplicaHost(nodeId, store, new CatalogGeometry(catalog),
                    new StorePlacementView(placements), peers, Duration.ofSeconds(5), r -> {
                        log.info("resync {} -> node {}: {} of {} replication blocks copied in {} ms",
                                r.subUnit(), r.replica(), r.blocksCopied(), r.blocksCompared(), r.millis());
                        try {
                            reports.record(new ResyncReports.Report(r.subUnit().lunId(), r.subUnit().index(), r.replica(),
                                    r.blocksCompared(), r.blocksCopied(), r.millis(), System.currentTimeMillis()));
                        } catch (RuntimeException e) {
                            log.warn("could not record resync report: {}", e.toString());
                        }
                    });
            BlockServer server = new BlockServer(host, transport);
            started.push(server::close);
            InetSocketAddress bound = server.bind(new InetSocketAddress(listen, port));
            nodes.register(new NodeInfo(nodeId, site, listen, bound.getPort()));
            String gatewayReady = null;
            if (iscsiPort != null) {
                GatewayRole.Options options = new GatewayRole.Options(listen, iscsiPort, null,
                        gatewayId == null ? nodeId : gatewayId, site, Durations.parse(nodeGoneTimeout, "--node-gone-timeout"),
                        Duration.ofSeconds(20), "iqn.2026-11.io.cairn:", null, null, null, null, 128, "off");
                IscsiGateway gateway = new GatewayRole(options, coordination, nodeId, host, transport).start(started);
                gatewayReady = "Gateway ready: portal " + gateway.portal().getAddress().getHostAddress() + ":"
                        + gateway.portal().getPort();
            }

            // As primary, bring replicas that are behind back in sync: on placement changes, on
            // membership changes (a returning node leaves its placement unchanged) and periodically
            // (a resync that failed is tried again).
            ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Appliance.daemonThreads("cairn-resync-"));
            started.push(sweeper::shutdownNow);
            Runnable sweep = () -> sweeper.execute(() -> catchUp(catalog, placements, nodes, host));
            placements.addListener(p -> sweep.run());
            nodes.addListener(sweep);
            sweeper.scheduleWithFixedDelay(() -> catchUp(catalog, placements, nodes, host), 2, 2, TimeUnit.SECONDS);

            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeAll(started);
                stopped.countDown();
            }, "cairn-shutdown"));
            System.out.println("Store ready: node " + nodeId + " site " + site + " at " + listen + ":" + bound.getPort());
            if (gatewayReady != null) {
                System.out.println(gatewayReady);
            }
            System.out.flush();
            stopped.await();
            return 0;
        } catch (IllegalArgumentException e) {
            closeAll(started);
            System.err.println("cairn: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            closeAll(started);
            System.err.println("cairn: store failed to start: " + e);
            return 1;
        }
    }

    /** The last resync failure per sub-unit, so a failure that repeats is logged once. */
    private final java.util.Map<String, Long> lastResyncFailure = new java.util.concurrent.ConcurrentHashMap<>();

    /** Starts a resync for each sub-unit this node leads that has a live replica out of sync. */
    private void catchUp(LunCatalog catalog, PlacementStore placements, NodeRegistry nodes, ReplicaHost host) {
        try {
            for (var lun : catalog.list()) {
                for (SubUnitPlacement p : placements.list(lun.id())) {
                    if (p.primary() == nodeId
                            && p.replicas().stream().anyMatch(r -> !p.inSync().contains(r) && nodes.isLive(r))) {
                        String key = p.lunId() + "/" + p.index();
                        host.catchUp(new SubUnitId(p.lunId(), p.index())).whenComplete((r, e) -> {
                            if (e == null) {
                                lastResyncFailure.remove(key);
                                return;
                            }
                            long now = System.nanoTime();
                            Long last = lastResyncFailure.get(key);
                            if (last == null || now - last > TimeUnit.SECONDS.toNanos(30)) {
                                lastResyncFailure.put(key, now);
                                log.info("resync of {} not finished (retried every 2 s): {}", key, e.getMessage());
                            }
                        });
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("resync sweep skipped: {}", e.toString());
        }
    }

    static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while stopping: {}", e.toString());
            }
        }
    }
}
