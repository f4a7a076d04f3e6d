package io.cairn.lun.node;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.store.FileSubUnit;
import io.cairn.store.SubUnitStore;
import io.cairn.store.dr.DrCopy;
import io.cairn.store.dr.SiteShipper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store node's duty toward its LUNs' DR sites (architecture.md "DR shipping in the store
 * processes"): one {@link SiteShipper} per DR site that a placement of a sub-unit held here
 * names, routed by the placements, so that the primary of each sub-unit ships its changes to the
 * DR copy the control plane placed in each site.
 *
 * <ul>
 *   <li>Routing: a sub-unit's listed changes go to its DR copy in the site only from its primary
 *       (as this store's cached placement says), to the DR node's announced ship port. A
 *       secondary keeps them listed, so after a failover it ships what its cursor lists, never a
 *       scan of the LUN; a demoted primary that ships a little longer sends nothing older than
 *       the DR copy holds (the receiver applies a block only when its version is newer).
 *   <li>Seeding: every replica holder, primary or not, seeds its site cursor for a sub-unit when
 *       the placement names a DR node it has not seeded for ({@link DrSeeds}), so a new or
 *       re-placed DR copy gets the whole sub-unit through the same version comparison.
 *   <li>Dropping: listed changes of a sub-unit whose placement has no DR copy in the site, or
 *       that this store no longer holds, or that is itself a DR copy held here, leave the cursor
 *       (a DR copy placed later is seeded in full anyway).
 * </ul>
 * Passes run on placement and membership changes and every {@code period}, on this object's
 * own thread; a pass that cannot read coordination or the disk is logged and left to the next.
 */
public final class DrShipping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DrShipping.class);

    private final int nodeId;
    private final SubUnitStore store;
    private final LunCatalog catalog;
    private final PlacementStore placements;
    private final NodeRegistry nodes;
    private final DrSeeds seeds;
    private final SiteShipper.Settings settings;
    private final ScheduledExecutorService thread;
    private final Map<String, SiteShipper> shippers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param seedsFile where this store records the seeds it made (in its data directory) */
    public DrShipping(int nodeId, SubUnitStore store, LunCatalog catalog, PlacementStore placements, NodeRegistry nodes,
                      Path seedsFile, SiteShipper.Settings settings, ThreadFactory threads) throws IOException {
        this.nodeId = nodeId;
        this.store = store;
        this.catalog = catalog;
        this.placements = placements;
        this.nodes = nodes;
        this.seeds = DrSeeds.open(seedsFile);
        this.settings = settings;
        this.thread = Executors.newSingleThreadScheduledExecutor(threads);
    }

    /** Runs a pass on every placement or membership change, and every {@code period}. */
    public DrShipping start(Duration period) {
        placements.addListener(p -> requestPass());
        nodes.addListener(this::requestPass);
        thread.scheduleWithFixedDelay(this::pass, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Asks for a pass on this object's thread; returns at once. */
    public void requestPass() {
        try {
            thread.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: no more passes
        }
    }

    /** Counters of the shipper of each DR site this store ships to, by site. */
    public Map<String, SiteShipper.Stats> stats() {
        Map<String, SiteShipper.Stats> out = new TreeMap<>();
        shippers.forEach((site, s) -> out.put(site, s.stats()));
        return out;
    }

    /** Listed extents this store ships now, by DR site (its backlog as primary). */
    public Map<String, Integer> backlog() {
        Map<String, Integer> out = new TreeMap<>();
        shippers.forEach((site, s) -> out.put(site, s.backlog()));
        return out;
    }

    /** One pass, on the calling thread: a shipper per named DR site, a seed per DR copy new to this store. */
    void pass() {
        if (closed) {
            return;
        }
        try {
            Map<String, Map<String, FileSubUnit>> toSeed = new HashMap<>();
            List<DrSeeds.Seed> seeded = new ArrayList<>();
            for (LunDefinition lun : catalog.list()) {
                for (SubUnitPlacement p : placements.list(lun.id())) {
                    if (!p.replicas().contains(nodeId) || p.index() >= lun.subUnitCount()) {
                        continue;
                    }
                    for (Map.Entry<String, Integer> dr : p.drCopies().entrySet()) {
                        String subUnit = p.lunId() + "/" + p.index();
                        if (!seeds.has(dr.getKey(), subUnit, dr.getValue())) {
                            toSeed.computeIfAbsent(dr.getKey(), k -> new HashMap<>()).put(subUnit, local(lun, p.index()));
                            seeded.add(new DrSeeds.Seed(dr.getKey(), subUnit, dr.getValue()));
                        } else {
                            shipper(dr.getKey()); // after a restart: the site's shipper runs again
                        }
                    }
                }
            }
            for (Map.Entry<String, Map<String, FileSubUnit>> e : toSeed.entrySet()) {
                shipper(e.getKey()).seed(e.getValue());
            }
            seeds.add(seeded); // only once every seed above is durable
            if (!seeded.isEmpty()) {
                log.info("seeded {} sub-unit(s) for their new DR copies", seeded.size());
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.warn("DR shipping pass failed; the next pass retries: {}", e.toString());
            }
        }
    }

    private synchronized SiteShipper shipper(String site) throws IOException {
        SiteShipper s = shippers.get(site);
        if (s == null) {
            s = SiteShipper.start(site, store, new Route(site), settings);
            shippers.put(site, s);
            log.info("shipping changes to DR site {}", site);
        }
        return s;
    }

    private FileSubUnit local(LunDefinition lun, int index) {
        try {
            return store.open(lun.id(), index, lun.subUnitBlockCount(index), lun.blockSize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The placements' say on where a sub-unit's changes go in one site. */
    private final class Route implements SiteShipper.Route {
        private final String site;

        Route(String site) {
            this.site = site;
        }

        @Override
        public Optional<SiteShipper.Target> of(String subUnit) {
            Located l = locate(subUnit);
            if (l == null || l.placement.primary() != nodeId) {
                return Optional.empty();
            }
            Integer drNode = l.placement.drCopies().get(site);
            if (drNode == null) {
                return Optional.empty();
            }
            Optional<NodeInfo> receiver = nodes.node(drNode).filter(NodeInfo::receivesDrCopies);
            if (receiver.isEmpty()) {
                return Optional.empty(); // not registered now: its changes stay listed until it is
            }
            LunDefinition lun = l.lun;
            int index = l.placement.index();
            FileSubUnit unit = local(lun, index);
            return Optional.of(new SiteShipper.Target(unit,
                    new DrCopy(lun.id(), index, unit.blockCount(), unit.blockSize(), unit.replicationBlockBytes()),
                    new InetSocketAddress(receiver.get().host(), receiver.get().shipPort())));
        }

        @Override
        public boolean keeps(String subUnit) {
            if (subUnit.contains("@")) {
                return false; // a DR copy this store holds for another site: it ships nothing from it
            }
            Located l = locate(subUnit);
            if (l == null) {
                return true; // unknown here now (a cache not filled yet, say): kept, to be sure
            }
            return l.placement.drCopies().containsKey(site) && l.placement.replicas().contains(nodeId);
        }

        private Located locate(String subUnit) {
            int slash = subUnit.lastIndexOf('/');
            if (slash <= 0) {
                return null;
            }
            int index;
            try {
                index = Integer.parseInt(subUnit.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            String lunId = subUnit.substring(0, slash);
            Optional<LunDefinition> lun = catalog.get(lunId);
            Optional<SubUnitPlacement> p = placements.get(lunId, index);
            if (lun.isEmpty() || p.isEmpty() || index >= lun.get().subUnitCount()) {
                return null;
            }
            return new Located(lun.get(), p.get());
        }
    }

    private record Located(LunDefinition lun, SubUnitPlacement placement) {}

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shippers.values().forEach(SiteShipper::close);
        shippers.clear();
    }
}
