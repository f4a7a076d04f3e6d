package io.cairn.lun.node;

import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.SubUnitId;
import io.cairn.store.replica.ReplicaHost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store node's duty as primary: bring the replicas of the sub-units it leads back in sync when they
 * are behind (architecture.md "Failure handling": a returning node resyncs by comparing versions).
 * A pass starts a resync for every sub-unit this node leads that has a live replica outside its
 * in-sync set; the replica host runs one resync per (sub-unit, replica) at a time, so passes may
 * overlap. Passes run on placement changes, on membership changes (a returning node leaves its
 * placement unchanged) and every {@code period} (a resync that failed is tried again), on the
 * sweep's own thread. A pass that cannot read coordination is skipped; the next one tries again.
 */
public final class ResyncSweep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResyncSweep.class);
    /** A resync that keeps failing is logged once per this interval, not once per pass. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final int nodeId;
    private final LunCatalog catalog;
    private final PlacementStore placements;
    private final NodeRegistry nodes;
    private final ReplicaHost host;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService thread;
    /** The last logged resync failure per sub-unit. */
    private final Map<String, Long> lastFailure = new ConcurrentHashMap<>();

    public ResyncSweep(int nodeId, LunCatalog catalog, PlacementStore placements, NodeRegistry nodes, ReplicaHost host,
                       ThreadFactory threads, LongSupplier nanoTime) {
        this.nodeId = nodeId;
        this.catalog = catalog;
        this.placements = placements;
        this.nodes = nodes;
        this.host = host;
        this.nanoTime = nanoTime;
        this.thread = Executors.newSingleThreadScheduledExecutor(threads);
    }

    /** Runs a pass on every placement or membership change, and every {@code period}. */
    public ResyncSweep start(Duration period) {
        placements.addListener(p -> requestPass());
        nodes.addListener(this::requestPass);
        thread.scheduleWithFixedDelay(this::pass, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Asks for a pass on the sweep's thread; returns at once. */
    public void requestPass() {
        try {
            thread.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: no more passes
        }
    }

    /** One pass, on the calling thread: starts the resyncs this node owes. */
    void pass() {
        try {
            for (LunDefinition lun : catalog.list()) {
                for (SubUnitPlacement p : placements.list(lun.id())) {
                    if (p.primary() == nodeId
                            && p.replicas().stream().anyMatch(r -> !p.inSync().contains(r) && nodes.isLive(r))) {
                        start(p);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("resync sweep skipped: {}", e.toString());
        }
    }

    private void start(SubUnitPlacement p) {
        String key = p.lunId() + "/" + p.index();
        host.catchUp(new SubUnitId(p.lunId(), p.index())).whenComplete((r, e) -> {
            if (e == null) {
                lastFailure.remove(key);
                return;
            }
            long now = nanoTime.getAsLong();
            Long last = lastFailure.get(key);
            if (last == null || now - last > FAILURE_LOG_INTERVAL_NANOS) {
                lastFailure.put(key, now);
                log.info("resync of {} not finished (retried on the next pass): {}", key, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
