package io.cairn.appliance;

import io.cairn.block.BlockDevice;
import io.cairn.coord.Coordination;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.server.EmbeddedZooKeeper;
import io.cairn.iscsi.IscsiConfig;
import io.cairn.iscsi.IscsiServer;
import io.cairn.lun.LocalLuns;
import io.cairn.lun.LunIdentity;
import io.cairn.store.SubUnitStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cairn process with every role: (embedded) ZooKeeper, the LUN catalog, a sub-unit store and
 * an iSCSI gateway. Started once, closed once, in reverse order of start.
 */
public final class Appliance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Appliance.class);

    private final ApplianceConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
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
                started.push(zk.start());
                connect = zk.connectString();
            }
            Coordination coordination = new Coordination(Coordination.Settings.of(connect)).start();
            started.push(coordination);
            LunCatalog catalog = coordination.openLunCatalog();
            ScsiContextStore contexts = coordination.openScsiContextStore();

            ExecutorService io = Executors.newFixedThreadPool(config.ioThreads(), daemonThreads("cairn-io-"));
            started.push(() -> shutdown(io));
            SubUnitStore store = SubUnitStore.open(config.dataDir().resolve("store"), config.nodeId(), io);
            started.push(store);
            LocalLuns luns = new LocalLuns(store);

            ensureDefaultLun(catalog);
            targets = new GatewayTargets(config);
            for (LunDefinition lun : catalog.list()) {
                BlockDevice device = luns.open(lun);
                targets.add(lun, device);
                PowerOn.apply(contexts, lun.id());
            }

            IscsiConfig iscsi = IscsiConfig.defaults().withQueueDepth(config.queueDepth())
                    .withNopInterval(config.nopIntervalSeconds());
            IscsiGateway gateway = IscsiGateway.start(targets, contexts, iscsi, config.iscsiListen());
            started.push(gateway);
            portal = gateway.portal();
            IscsiServer server = gateway.server();
            if (config.metricsListen() != null) {
                started.push(Metrics.start(config.metricsListen(), server, targets));
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

    private void ensureDefaultLun(LunCatalog catalog) {
        if (config.defaultLunId() == null || catalog.get(config.defaultLunId()).isPresent()) {
            return;
        }
        LunIdentity identity = new LunIdentity(config.naaCompanyId(), new SecureRandom());
        String naa = identity.newNaa();
        long blocks = config.defaultLunBytes() / config.blockSize();
        long subUnitBlocks = Math.max(1, config.subUnitBytes() / config.blockSize());
        LunDefinition lun = new LunDefinition(config.defaultLunId(), config.targetIqn(config.defaultLunId()),
                config.blockSize(), blocks, subUnitBlocks, 1, naa, LunIdentity.serialFor(naa),
                System.currentTimeMillis());
        try {
            catalog.create(lun);
            log.info("created LUN {}: {} bytes, {} sub-units, NAA {}", lun.id(), lun.sizeBytes(), lun.subUnitCount(), naa);
        } catch (LunCatalog.LunExistsException e) {
            log.debug("default LUN created concurrently");
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", c, e.toString());
            }
        }
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
