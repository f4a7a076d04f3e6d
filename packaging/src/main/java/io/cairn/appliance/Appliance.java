package io.cairn.appliance;

import io.cairn.block.BlockDevice;
import io.cairn.coord.client.Coordination;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.server.EmbeddedZooKeeper;
import io.cairn.gateway.GatewayTargets;
import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.gateway.IscsiGateway;
import io.cairn.lun.LocalLuns;
import io.cairn.lun.lifecycle.LunLifecycle;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.pr.PowerOn;
import io.cairn.store.SubUnitStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cairn process with every role: (embedded) ZooKeeper, the LUN catalog, a sub-unit store and
 * an iSCSI gateway. Started once, closed once, in reverse order of start.
 */
public final class Appliance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Appliance.class);

    private final ApplianceConfig config;
    private final StartedParts started = new StartedParts();
    private InetSocketAddress portal;
    private GatewayTargets targets;

    public Appliance(ApplianceConfig config) {
        this.config = config;
    }

    public Appliance start() throws IOException, InterruptedException {
        try {
            Files.createDirectories(config.dataDir());
            String connect = config.zkConnect();
            if (connect == null) {
                EmbeddedZooKeeper zk = new EmbeddedZooKeeper(config.dataDir().resolve("zookeeper"), config.zkListen());
                started.add(zk.start());
                connect = zk.connectString();
            }
            Coordination coordination = started.add(new Coordination(Coordination.Settings.of(connect)).start());
            LunCatalog catalog = coordination.openLunCatalog();
            ScsiContextStore contexts = coordination.openScsiContextStore();

            ExecutorService io = Executors.newFixedThreadPool(config.ioThreads(), StartedParts.daemonThreads("cairn-io-"));
            started.add(() -> shutdown(io));
            SubUnitStore store = started.add(SubUnitStore.open(config.dataDir().resolve("store"), config.nodeId(), io));
            LocalLuns luns = new LocalLuns(store);

            if (config.defaultLun() != null && catalog.get(config.defaultLun().id()).isEmpty()) {
                createDefaultLun(new LunLifecycle(catalog, coordination.openPlacementStore(), coordination.resyncReports(),
                        null, System::currentTimeMillis));
            }
            GatewayConfig g = config.gateway();
            targets = new GatewayTargets(g.portalAddress(), g.auth());
            for (LunDefinition lun : catalog.list()) {
                BlockDevice device = luns.open(lun);
                targets.add(lun.targetIqn(), new LogicalUnit(lun.id(), lun.naa(), lun.serial(), device));
                PowerOn.apply(contexts, lun.id());
            }

            IscsiConfig iscsi = IscsiConfig.defaults().withQueueDepth(g.queueDepth()).withNopInterval(g.nopIntervalSeconds());
            IscsiGateway gateway = started.add(IscsiGateway.start(targets, contexts, iscsi, g.listen()));
            portal = gateway.portal();
            if (g.metrics() != null) {
                started.add(Metrics.start(g.metrics(), gateway.server(), targets));
            }
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public InetSocketAddress portal() {
        return portal;
    }

    public GatewayTargets targets() {
        return targets;
    }

    private void createDefaultLun(LunLifecycle lifecycle) {
        try {
            LunDefinition lun = lifecycle.create(config.defaultLun());
            log.info("created LUN {}: {} bytes, {} sub-units, NAA {}", lun.id(), lun.sizeBytes(), lun.subUnitCount(), lun.naa());
        } catch (LunCatalog.LunExistsException e) {
            log.debug("default LUN created concurrently");
        }
    }

    @Override
    public void close() {
        started.close();
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
