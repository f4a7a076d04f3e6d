package io.cairn.appliance;

import io.cairn.coord.client.Coordination;
import io.cairn.coord.cluster.Leadership;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.cluster.PortGroupRegistry;
import io.cairn.coord.cluster.PortalRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.scsi.ClusterScsiContexts;
import io.cairn.coord.scsi.NexusDirectory;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.scsi.ZkGatewayAcks;
import io.cairn.coord.scsi.ZkScsiContextStore;
import io.cairn.gateway.GatewayTargets;
import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.gateway.IscsiGateway;
import io.cairn.lun.cluster.ClusterClients;
import io.cairn.lun.control.ControlPlane;
import io.cairn.lun.device.DistributedLun;
import io.cairn.lun.placement.PlacementPolicy;
import io.cairn.replica.ReplicaService;
import io.cairn.scsi.AluaState;
import io.cairn.scsi.ClusterPortGroups;
import io.cairn.scsi.DirectoryNexuses;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.pr.PowerOn;
import io.cairn.store.net.BlockTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway role of a cluster process: iSCSI portal over the cluster's LUNs and a candidate for
 * the control plane. Runs in `cairn gateway`, or inside `cairn store --iscsi-port`, where commands
 * for sub-units whose primary is this very store reach it without a network hop. Wiring only: every
 * part it starts is another module's.
 */
final class GatewayRole {
    private static final Logger log = LoggerFactory.getLogger(GatewayRole.class);
    /** How long a leaving gateway stays TRANSITIONING before UNAVAILABLE: in-flight commands finish. */
    private static final Duration LEAVE_DRAIN = Duration.ofSeconds(2);
    /** How long a reservation change waits for every live gateway to apply it. */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(10);
    /** How often the control plane passes over every placement when nothing changed. */
    private static final Duration CONTROL_PERIOD = Duration.ofSeconds(1);

    private final GatewayConfig config;
    private final Coordination coordination;
    private final int localNode;
    private final ReplicaService localStore;
    private final BlockTransport sharedTransport;

    /**
     * @param localNode  this process's own store node id, or -1
     * @param localStore this process's own store (node {@code localNode}), or null
     * @param transport  the process's block-protocol event loops (a store's), or null to make our own
     */
    GatewayRole(GatewayConfig config, Coordination coordination, int localNode, ReplicaService localStore,
                BlockTransport transport) {
        this.config = config;
        this.coordination = coordination;
        this.localNode = localNode;
        this.localStore = localStore;
        this.sharedTransport = transport;
    }

    /** Starts every part, adding each to {@code started} for closing in reverse order. */
    IscsiGateway start(StartedParts started) throws IOException, InterruptedException {
        String gatewayName = "gateway-" + config.gatewayId();
        LunCatalog catalog = coordination.openLunCatalog();
        ZkScsiContextStore zkContexts = coordination.openScsiContextStore();
        ZkGatewayAcks acks = started.add(coordination.openGatewayAcks(zkContexts));
        NexusDirectory nexusDirectory = started.add(coordination.openNexusDirectory(gatewayName));
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, StartedParts.daemonThreads("cairn-timer-"));
        started.add(timer::shutdownNow);
        // Reservation changes complete once every gateway has applied them; no I/O is admitted
        // while the session is interrupted (architecture.md "Consistency invariants").
        ScsiContextStore contexts = ClusterScsiContexts.open(coordination.session(), catalog, zkContexts, acks, APPLY_TIMEOUT, timer);
        NodeRegistry nodes = coordination.openNodeRegistry();
        PlacementStore placements = coordination.openPlacementStore();
        Leadership leadership = coordination.openLeadership("control-plane",
                gatewayName + "-" + config.listen().getPort());
        // Its own thread: a pass waits on ZooKeeper writes, and must never hold up the failover
        // retries of commands, which run on the timer.
        ScheduledExecutorService planning = Executors.newSingleThreadScheduledExecutor(StartedParts.daemonThreads("cairn-control-"));
        started.add(planning::shutdownNow);
        ControlPlane control = started.add(new ControlPlane(catalog, nodes, placements, leadership, new PlacementPolicy(),
                siteOf(nodes), config.nodeGoneTimeout(), CONTROL_PERIOD, planning, System::nanoTime));
        control.start();

        // iSCSI connections and block-protocol clients share these event loops (IscsiServer explains why).
        BlockTransport transport = sharedTransport;
        if (transport == null) {
            transport = new BlockTransport(Math.max(2, Runtime.getRuntime().availableProcessors()));
            started.add(transport::close);
        }
        ClusterClients clients = started.add(new ClusterClients(nodes, transport, localNode, localStore));

        GatewayTargets targets = new GatewayTargets(config.portalAddress(), config.auth());
        Consumer<String> present = id -> catalog.get(id).filter(l -> !targets.presents(l.targetIqn())).ifPresent(l -> {
            DistributedLun device = new DistributedLun(l, placements, clients, timer, config.failoverWait(), System::nanoTime);
            targets.add(l.targetIqn(), new LogicalUnit(l.id(), l.naa(), l.serial(), device));
            log.info("presenting LUN {} as {}", l.id(), l.targetIqn());
        });
        catalog.list().forEach(l -> present.accept(l.id()));
        catalog.addListener(present);

        IscsiConfig iscsi = IscsiConfig.defaults().withQueueDepth(config.queueDepth())
                .withNopInterval(config.nopIntervalSeconds()).withPort(config.gatewayId(), config.gatewayId());
        // Every gateway's target port group (ALUA): announced before the listener opens, so the
        // others' hosts learn of the new path; see ClusterPortGroups for the leave sequence.
        PortGroupRegistry groupRegistry = started.add(coordination.openPortGroupRegistry());
        ClusterPortGroups portGroups = new ClusterPortGroups(groupRegistry, gatewayName, config.gatewayId(), config.gatewayId());
        // The SCSI core (it registers its apply steps) exists before this gateway counts; its
        // portal opens only after the join, so no I/O is admitted on pre-power-on state.
        IscsiGateway gateway = started.add(IscsiGateway.create(targets, contexts, new DirectoryNexuses(nexusDirectory),
                ScsiCoreConfig.defaults().withPortGroups(portGroups), iscsi, transport.group()));
        // Counted by writers of reservation changes from here on, and already holding every context;
        // the first gateway to join with none live powers the LUs on (PowerOn, README).
        acks.join(gatewayName, () -> PowerOn.applyAll(zkContexts,
                catalog.list().stream().map(LunDefinition::id).toList()));
        portGroups.publish(AluaState.ACTIVE_OPTIMIZED);
        gateway.listen(config.listen(), iscsi);
        started.add(() -> portGroups.leave(LEAVE_DRAIN)); // runs before the listener closes
        // SendTargets on any gateway lists every gateway's portal.
        PortalRegistry portalRegistry = started.add(coordination.openPortalRegistry());
        for (String portal : targets.ownPortals()) {
            portalRegistry.register(gatewayName, portal);
        }
        targets.usePortals(portalRegistry::portals);
        if (config.metrics() != null) {
            started.add(Metrics.start(config.metrics(), gateway.server(), targets));
        }
        return gateway;
    }

    /**
     * The site of a LUN whose definition records none (defined before sites were recorded): the
     * configured site, or the site most known nodes are in.
     */
    private Function<LunDefinition, String> siteOf(NodeRegistry nodes) {
        return lun -> config.site() != null ? config.site() : PlacementPolicy.busiestSite(nodes.known(), "default");
    }
}
