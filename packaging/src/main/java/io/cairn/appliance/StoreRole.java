package io.cairn.appliance;

import io.cairn.coord.client.Coordination;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.gateway.IscsiGateway;
import io.cairn.lun.cluster.ClusterClients;
import io.cairn.lun.node.CatalogGeometry;
import io.cairn.lun.node.DrShipping;
import io.cairn.lun.node.ResyncRecorder;
import io.cairn.lun.node.ResyncSweep;
import io.cairn.lun.node.StorePlacementView;
import io.cairn.store.SubUnitStore;
import io.cairn.store.dr.ShipReceiver;
import io.cairn.store.dr.SiteShipper;
import io.cairn.store.net.BlockServer;
import io.cairn.store.net.BlockTransport;
import io.cairn.store.replica.ReplicaHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The store role of a cluster process: sub-unit replicas on local disk served over the block
 * protocol, replication and resync as primary, and optionally a gateway in the same process.
 * Wiring only: every part it starts is another module's.
 */
final class StoreRole {
    /** How long a primary waits for a replica's answer before it drops it from the in-sync set. */
    private static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(5);
    /** How often the resync sweep runs when nothing changed (a failed resync is retried). */
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(2);

    /** How often the DR shipping pass runs when nothing changed. */
    private static final Duration DR_PASS_PERIOD = Duration.ofSeconds(5);
    /** A shipping connection idle this long is closed by the receiver (the shipper reconnects). */
    private static final Duration SHIP_IDLE = Duration.ofMinutes(5);
    /** Shipping connections a receiver serves at once (one per sending store and site). */
    private static final int SHIP_MAX_CONNECTIONS = 256;

    /** What a started store announces; {@code shipAddress} null if it receives no DR copies. */
    record Started(InetSocketAddress blockAddress, InetSocketAddress shipAddress, InetSocketAddress portal) {}

    private final StoreConfig config;

    StoreRole(StoreConfig config) {
        this.config = config;
    }

    /** Starts every part, adding each to {@code started} for closing in reverse order. */
    Started start(StartedParts started) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        Coordination coordination = started.add(new Coordination(config.coordination()).start());
        LunCatalog catalog = coordination.openLunCatalog();
        NodeRegistry nodes = coordination.openNodeRegistry();
        PlacementStore placements = coordination.openPlacementStore();

        Executor io;
        if (config.ioThreads() > 0) {
            ExecutorService pool = Executors.newFixedThreadPool(config.ioThreads(), StartedParts.daemonThreads("cairn-io-"));
            started.add(pool::shutdownNow);
            io = pool;
        } else {
            io = Runnable::run;
        }
        ExecutorService sync = Executors.newFixedThreadPool(StoreConfig.SYNC_THREADS, StartedParts.daemonThreads("cairn-sync-"));
        started.add(sync::shutdownNow);
        SubUnitStore store = started.add(SubUnitStore.open(config.dataDir().resolve("store"), config.nodeId(), io, sync,
                config.replicationBlockBytes()));
        BlockTransport transport = new BlockTransport(config.netThreads());
        started.add(transport::close);
        ClusterClients peers = started.add(new ClusterClients(nodes, transport, config.nodeId(), null));
        ReplicaHost host = new ReplicaHost(config.nodeId(), store, new CatalogGeometry(catalog),
                new StorePlacementView(placements), peers, REPLICA_TIMEOUT,
                new ResyncRecorder(coordination.resyncReports(), System::currentTimeMillis));
        BlockServer server = new BlockServer(host, transport);
        started.add(server::close);
        InetSocketAddress bound = server.bind(config.listen());
        InetSocketAddress shipAddress = null;
        if (config.shipPort() != StoreConfig.NO_SHIP_PORT) {
            ShipReceiver receiver = started.add(ShipReceiver.start(store,
                    new InetSocketAddress(config.listen().getAddress(), config.shipPort()), SHIP_IDLE, SHIP_MAX_CONNECTIONS));
            shipAddress = receiver.address();
        }
        // registered last: once other nodes see it, it serves blocks and, if it announces a port, DR copies
        nodes.register(new NodeInfo(config.nodeId(), config.site(), config.listen().getHostString(), bound.getPort(),
                shipAddress == null ? 0 : shipAddress.getPort()));

        InetSocketAddress portal = null;
        if (config.gateway() != null) {
            IscsiGateway gateway = new GatewayRole(config.gateway(), coordination, config.nodeId(), host, transport)
                    .start(started);
            portal = gateway.portal();
        }
        started.add(new ResyncSweep(config.nodeId(), catalog, placements, nodes, host,
                StartedParts.daemonThreads("cairn-resync-"), System::nanoTime).start(SWEEP_PERIOD));
        started.add(new DrShipping(config.nodeId(), store, catalog, placements, nodes,
                config.dataDir().resolve("dr-seeds"),
                SiteShipper.Settings.defaults().withBytesPerSecond(config.drShipBytesPerSecond()),
                StartedParts.daemonThreads("cairn-dr-")).start(DR_PASS_PERIOD));
        return new Started(bound, shipAddress, portal);
    }
}
