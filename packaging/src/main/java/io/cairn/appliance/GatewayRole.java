package io.cairn.appliance;

import io.cairn.coord.Coordination;
import io.cairn.coord.cluster.Leadership;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.iscsi.IscsiConfig;
import io.cairn.lun.LunIdentity;
import io.cairn.lun.control.ControlPlane;
import io.cairn.lun.device.DistributedLun;
import io.cairn.lun.placement.PlacementPolicy;
import io.cairn.store.net.BlockTransport;
import io.cairn.replica.ReplicaService;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway role of a cluster process: iSCSI portal over the cluster's LUNs and a candidate for
 * the control plane. Runs in `cairn gateway`, or inside `cairn store --iscsi-port`, where commands
 * for sub-units whose primary is this very store reach it without a network hop.
 */
final class GatewayRole {
    private static final Logger log = LoggerFactory.getLogger(GatewayRole.class);
    /** How long a leaving gateway stays TRANSITIONING before UNAVAILABLE: in-flight commands finish. */
    private static final Duration LEAVE_DRAIN = Duration.ofSeconds(2);

    record Options(String listen, int iscsiPort, String portalAddress, int gatewayId, String site,
                   Duration nodeGoneTimeout, Duration failoverWait, String targetPrefix, String chapUser,
                   String chapSecret, String mutualUser, String mutualSecret, int queueDepth, String metrics) {}

    private final Options o;
    private final Coordination coordination;
    private final int localNode;
    private final ReplicaService localStore;
    private final BlockTransport sharedTransport;

    /**
     * @param localStore this process's own store (node {@code localNode}), or null
     * @param transport the process's block-protocol event loops (a store's), or null to make our own
     */
    GatewayRole(Options options, Coordination coordination, int localNode, ReplicaService localStore,
                BlockTransport transport) {
        this.o = options;
        this.coordination = coordination;
        this.localNode = localNode;
        this.localStore = localStore;
        this.sharedTransport = transport;
    }

    /** Starts every part, pushing each onto {@code started} for closing in reverse order. */
    IscsiGateway start(Deque<AutoCloseable> started) throws Exception {
        LunCatalog catalog = coordination.openLunCatalog();
        io.cairn.coord.scsi.ZkScsiContextStore zkContexts = coordination.openScsiContextStore();
        String gatewayName = "gateway-" + o.gatewayId();
        io.cairn.coord.scsi.ZkGatewayAcks acks = coordination.openGatewayAcks(zkContexts);
        started.push(acks);
        io.cairn.coord.scsi.NexusDirectory nexusDirectory = coordination.openNexusDirectory(gatewayName);
        started.push(nexusDirectory);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, Appliance.daemonThreads("cairn-timer-"));
        started.push(timer::shutdownNow);
        // Reservation changes complete once every gateway has applied them; no I/O is admitted
        // while the session is interrupted (design.md invariants).
        SessionGate gate = new SessionGate(coordination, catalog, zkContexts, timer);
        ScsiContextStore contexts = new ClusterScsiContexts(zkContexts, acks, Duration.ofSeconds(10), gate);
        NodeRegistry nodes = coordination.openNodeRegistry();
        PlacementStore placements = coordination.openPlacementStore();
        Leadership leadership = coordination.openLeadership("control-plane", "gateway-" + o.gatewayId() + "-" + o.iscsiPort());
        // Its own thread: a pass waits on ZooKeeper writes, and must never hold up the failover
        // retries of commands, which run on the timer.
        ScheduledExecutorService planning = Executors.newSingleThreadScheduledExecutor(Appliance.daemonThreads("cairn-control-"));
        started.push(planning::shutdownNow);
        ControlPlane control = new ControlPlane(catalog, nodes, placements, leadership, new PlacementPolicy(),
                siteOf(nodes), o.nodeGoneTimeout(), Duration.ofSeconds(1), planning, System::nanoTime);
        started.push(control);
        control.start();

        // iSCSI connections and block-protocol clients share these event loops (IscsiServer explains why).
        BlockTransport transport = sharedTransport;
        if (transport == null) {
            transport = new BlockTransport(Math.max(2, Runtime.getRuntime().availableProcessors()));
            started.push(transport::close);
        }
        ClusterClients clients = new ClusterClients(nodes, transport, localNode, localStore);
        started.push(clients);

        ApplianceConfig config = new ApplianceConfig(null, new InetSocketAddress(o.listen(), o.iscsiPort()),
                o.portalAddress(), null, null, 0, null, o.targetPrefix(), 0, 0, 512, LunIdentity.DEFAULT_COMPANY_ID,
                o.chapUser(), o.chapSecret(), o.mutualUser(), o.mutualSecret(), o.queueDepth(), 0, 15, null);
        GatewayTargets targets = new GatewayTargets(config);
        Function<String, Void> present = id -> {
            catalog.get(id).filter(l -> !targets.presents(l.targetIqn())).ifPresent(l -> {
                targets.add(l, new DistributedLun(l, placements, clients, timer, o.failoverWait(), System::nanoTime));
                log.info("presenting LUN {} as {}", l.id(), l.targetIqn());
            });
            return null;
        };
        catalog.list().forEach(l -> present.apply(l.id()));
        catalog.addListener(present::apply);

        IscsiConfig iscsi = IscsiConfig.defaults().withQueueDepth(o.queueDepth()).withPort(o.gatewayId(), o.gatewayId());
        // Every gateway's target port group (ALUA): announced before the listener opens, so the
        // others' hosts learn of the new path; see ClusterPortGroups for the leave sequence.
        io.cairn.coord.cluster.ZkPortGroupRegistry groupRegistry = io.cairn.coord.cluster.ZkPortGroupRegistry.open(coordination);
        started.push(groupRegistry);
        ClusterPortGroups portGroups = new ClusterPortGroups(groupRegistry, gatewayName, o.gatewayId(), o.gatewayId());
        // The SCSI core (it registers its apply steps) exists before this gateway counts; its
        // portal opens only after the join, so no I/O is admitted on pre-power-on state.
        IscsiGateway gateway = IscsiGateway.create(targets, contexts, new DirectoryNexuses(nexusDirectory),
                io.cairn.scsi.ScsiCoreConfig.defaults().withPortGroups(portGroups), iscsi, transport.group());
        started.push(gateway);
        // Counted by writers of reservation changes from here on, and already holding every context;
        // the first gateway to join with none live powers the LUs on (PowerOn, README).
        acks.join(gatewayName, () -> PowerOn.applyAll(zkContexts,
                catalog.list().stream().map(LunDefinition::id).toList()));
        portGroups.publish(io.cairn.scsi.AluaState.ACTIVE_OPTIMIZED);
        gateway.listen(new InetSocketAddress(o.listen(), o.iscsiPort()), iscsi);
        started.push(() -> portGroups.leave(LEAVE_DRAIN)); // runs before the listener closes
        // SendTargets on any gateway lists every gateway's portal.
        io.cairn.coord.cluster.ZkPortalRegistry portalRegistry = io.cairn.coord.cluster.ZkPortalRegistry.open(coordination);
        started.push(portalRegistry);
        for (String portal : targets.ownPortals()) {
            portalRegistry.register(gatewayName, portal);
        }
        targets.usePortals(portalRegistry::portals);
        if (!"off".equals(o.metrics())) {
            int i = o.metrics().lastIndexOf(':');
            started.push(Metrics.start(new InetSocketAddress(o.metrics().substring(0, i),
                    Integer.parseInt(o.metrics().substring(i + 1))), gateway.server(), targets));
        }
        return gateway;
    }

    /** A LUN's local copies go to the configured site, or to the site most known store nodes are in. */
    private Function<LunDefinition, String> siteOf(NodeRegistry nodes) {
        return lun -> {
            if (o.site() != null) {
                return o.site();
            }
            Map<String, Long> bySite = nodes.known().stream().collect(Collectors.groupingBy(NodeInfo::site, Collectors.counting()));
            return bySite.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                    .map(Map.Entry::getKey).orElse("default");
        };
    }
}
