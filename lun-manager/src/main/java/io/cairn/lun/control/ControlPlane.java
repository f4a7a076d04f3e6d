package io.cairn.lun.control;

import io.cairn.coord.cluster.Leadership;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.placement.PlacementPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every distributed LUN's sub-units placed and served (architecture.md "Failure handling"): places
 * new LUNs, promotes an in-sync replica when a primary's node dies, drops dead secondaries from the
 * in-sync set, and re-places copies of nodes gone longer than {@code nodeGoneTimeout}, then forgets
 * those nodes. What each sub-unit should become is {@link SubUnitRepair}'s rule; this class decides
 * when to look and writes the results.
 *
 * <p>Runs only while this process holds {@link Leadership}: every pass checks it first, and every
 * write re-checks it inside the compare-and-set, so a deposed leader stops writing at once. Every
 * change is one {@link PlacementStore#update} compare-and-set of a pure function of the current
 * placement, so a pass that is repeated, interrupted by a crash or raced by a new leader leaves
 * the same result. Only LUNs with {@code copies >= 2} are distributed; others live in one store
 * ({@link io.cairn.lun.LocalLuns}).
 *
 * <p>Bounded time: a primary's failover takes the ZooKeeper session timeout of its dead store (its
 * registration vanishes then), one pass (started at once by the registry listener) and one
 * compare-and-set per affected sub-unit, issued together. A gone node is replaced within
 * {@code nodeGoneTimeout + sweepInterval} of this leader first seeing it away (a new leader starts
 * that clock afresh: it cannot know how long the node was away before).
 *
 * <p>Passes run on the given executor, one at a time; listeners only schedule one.
 */
public final class ControlPlane implements AutoCloseable {

    public static final Duration DEFAULT_NODE_GONE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);
    /** How long a pass waits for its compare-and-sets before leaving the rest to the next pass. */
    private static final long WRITE_WAIT_SECONDS = 30;

    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    private final LunCatalog catalog;
    private final NodeRegistry nodes;
    private final PlacementStore placements;
    private final Leadership leadership;
    private final SubUnitRepair repair;
    private final long goneNanos;
    private final Duration sweepInterval;
    private final ScheduledExecutorService executor;
    private final LongSupplier nanoTime;

    /** When this leader first saw each known, not live node away (nanoTime). Pass thread only. */
    private final Map<Integer, Long> downSince = new HashMap<>();
    private final AtomicBoolean passPending = new AtomicBoolean();
    private volatile boolean closed;
    private ScheduledFuture<?> sweep;

    /**
     * @param siteOf   the site whose nodes hold the local copies of a LUN whose definition records
     *                 no site (defined before sites were recorded); a recorded site always wins
     * @param nanoTime clock for the node-gone timeout ({@code System::nanoTime} outside tests)
     */
    public ControlPlane(LunCatalog catalog, NodeRegistry nodes, PlacementStore placements, Leadership leadership,
                        PlacementPolicy policy, Function<LunDefinition, String> siteOf, Duration nodeGoneTimeout,
                        Duration sweepInterval, ScheduledExecutorService executor, LongSupplier nanoTime) {
        this.catalog = catalog;
        this.nodes = nodes;
        this.placements = placements;
        this.leadership = leadership;
        this.repair = new SubUnitRepair(policy, siteOf);
        this.goneNanos = nodeGoneTimeout.toNanos();
        this.sweepInterval = sweepInterval;
        this.executor = executor;
        this.nanoTime = nanoTime;
    }

    /** With the default timeout (60 s) and sweep interval (1 s). */
    public ControlPlane(LunCatalog catalog, NodeRegistry nodes, PlacementStore placements, Leadership leadership,
                        Function<LunDefinition, String> siteOf, ScheduledExecutorService executor) {
        this(catalog, nodes, placements, leadership, new PlacementPolicy(), siteOf, DEFAULT_NODE_GONE_TIMEOUT,
                DEFAULT_SWEEP_INTERVAL, executor, System::nanoTime);
    }

    /** Starts reacting: to leadership, the catalog, membership, and a periodic sweep (timeouts, retries). */
    public void start() {
        leadership.addListener(leader -> {
            if (!leader) {
                synchronized (downSince) {
                    downSince.clear(); // the clocks restart with the next leadership
                }
            }
            schedulePass();
        });
        catalog.addListener(lunId -> schedulePass());
        nodes.addListener(this::schedulePass);
        long every = Math.max(1, sweepInterval.toMillis());
        sweep = executor.scheduleWithFixedDelay(this::schedulePass, every, every, TimeUnit.MILLISECONDS);
        schedulePass();
    }

    /** Runs a pass now (if leader) and completes with the status after it. */
    public CompletableFuture<ClusterStatus> reconcile() {
        return CompletableFuture.supplyAsync(this::pass, executor);
    }

    /** The state of every distributed LUN as the local caches show it. */
    public ClusterStatus status() {
        Set<Integer> live = liveIds();
        Map<Integer, Long> down = new TreeMap<>();
        long now = nanoTime.getAsLong();
        for (NodeInfo n : nodes.known()) {
            if (!live.contains(n.id())) {
                Long since;
                synchronized (downSince) {
                    since = downSince.get(n.id());
                }
                down.put(n.id(), since == null ? 0 : TimeUnit.NANOSECONDS.toMillis(now - since));
            }
        }
        List<ClusterStatus.Lun> luns = new ArrayList<>();
        for (LunDefinition lun : catalog.list()) {
            if (lun.copies() >= 2) {
                luns.add(lunStatus(lun, live));
            }
        }
        return new ClusterStatus(leadership.isLeader(), List.copyOf(new java.util.TreeSet<>(live)), down, luns);
    }

    @Override
    public void close() {
        closed = true; // listeners cannot be removed (contract); they check this
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    private void schedulePass() {
        if (closed || !leadership.isLeader() || !passPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            passPending.set(false); // shutting down
        }
    }

    /** One look at everything; idempotent. Never throws: a failure is logged and left to the next pass. */
    private synchronized ClusterStatus pass() {
        passPending.set(false); // events from here on need another pass
        try {
            if (closed || !leadership.isLeader()) {
                synchronized (downSince) {
                    downSince.clear(); // a later leadership starts the gone clocks afresh
                }
                return status();
            }
            ClusterView view = observe();
            boolean allWritten = true;
            for (LunDefinition lun : catalog.list()) {
                if (lun.copies() >= 2) {
                    allWritten &= repairLun(lun, view);
                }
            }
            if (allWritten) {
                forgetReplaced(view);
            }
        } catch (RuntimeException e) {
            log.warn("control plane pass failed; the next pass retries", e);
        }
        return status();
    }

    /** Membership now, with the node-gone clocks advanced. */
    private ClusterView observe() {
        long now = nanoTime.getAsLong();
        Set<Integer> live = liveIds();
        Map<Integer, NodeInfo> known = new HashMap<>();
        for (NodeInfo n : nodes.known()) {
            known.put(n.id(), n);
        }
        for (NodeInfo n : nodes.live()) {
            known.putIfAbsent(n.id(), n);
        }
        Set<Integer> gone = new HashSet<>();
        synchronized (downSince) {
            downSince.keySet().removeIf(id -> live.contains(id) || !known.containsKey(id));
            for (int id : known.keySet()) {
                if (!live.contains(id)) {
                    long since = downSince.computeIfAbsent(id, k -> now);
                    if (now - since >= goneNanos) {
                        gone.add(id);
                    }
                }
            }
        }
        return new ClusterView(live, gone, known);
    }

    /** Writes every needed change of the LUN's sub-units, together; true if all were written. */
    private boolean repairLun(LunDefinition lun, ClusterView view) {
        List<CompletableFuture<SubUnitPlacement>> writes = new ArrayList<>();
        for (int i = 0; i < lun.subUnitCount(); i++) {
            int index = i;
            SubUnitPlacement cached = placements.get(lun.id(), index).orElse(null);
            SubUnitPlacement wanted = repair.apply(lun, index, cached, view);
            if (wanted == null) {
                continue; // the common case: look at the cache, write nothing
            }
            describe(cached, wanted);
            writes.add(placements.update(lun.id(), index,
                    current -> leadership.isLeader() && !closed ? repair.apply(lun, index, current, view) : null));
        }
        if (writes.isEmpty()) {
            return true;
        }
        try {
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(WRITE_WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("placement of LUN {} not fully written; the next pass retries", lun.id(), e);
            return false;
        }
    }

    /** Forgets gone nodes that no placement names any more (their copies are all replaced). */
    private void forgetReplaced(ClusterView view) {
        if (view.gone().isEmpty()) {
            return;
        }
        Set<Integer> named = new HashSet<>();
        for (LunDefinition lun : catalog.list()) {
            for (SubUnitPlacement p : placements.list(lun.id())) {
                named.addAll(p.replicas());
                named.addAll(p.drCopies().values());
            }
        }
        for (int id : view.gone()) {
            if (!named.contains(id) && leadership.isLeader() && !nodes.isLive(id)) {
                log.info("forgetting node {}: away past the timeout and its copies re-placed", id);
                nodes.forget(id);
                synchronized (downSince) {
                    downSince.remove(id);
                }
            }
        }
    }

    private ClusterStatus.Lun lunStatus(LunDefinition lun, Set<Integer> live) {
        int placed = 0;
        int degraded = 0;
        int unavailable = 0;
        Map<Integer, Integer> primaries = new TreeMap<>();
        Map<Integer, Integer> replicas = new TreeMap<>();
        Map<String, Integer> drCopies = new TreeMap<>();
        for (SubUnitPlacement p : placements.list(lun.id())) {
            if (p.index() >= lun.subUnitCount()) {
                continue;
            }
            placed++;
            primaries.merge(p.primary(), 1, Integer::sum);
            p.replicas().forEach(id -> replicas.merge(id, 1, Integer::sum));
            p.drCopies().keySet().forEach(site -> drCopies.merge(site, 1, Integer::sum));
            if (!live.contains(p.primary())) {
                unavailable++; // a live in-sync copy would have been promoted by now
            } else if (p.inSync().stream().filter(live::contains).count() < lun.copies()) {
                degraded++;
            }
        }
        return new ClusterStatus.Lun(lun.id(), lun.subUnitCount(), lun.subUnitCount() - placed, degraded,
                unavailable, primaries, replicas, drCopies);
    }

    private Set<Integer> liveIds() {
        Set<Integer> live = new HashSet<>();
        for (NodeInfo n : nodes.live()) {
            live.add(n.id());
        }
        return live;
    }

    private static void describe(SubUnitPlacement before, SubUnitPlacement after) {
        if (before == null) {
            log.debug("placing {}/{} on {}, DR copies {}", after.lunId(), after.index(), after.replicas(),
                    after.drCopies());
        } else if (before.primary() != after.primary()) {
            log.info("failover {}/{}: primary {} -> {}, epoch {}", after.lunId(), after.index(), before.primary(),
                    after.primary(), after.epoch());
        } else if (!before.replicas().equals(after.replicas()) || !before.inSync().equals(after.inSync())) {
            log.info("repair {}/{}: replicas {} -> {}, in sync {} -> {}", after.lunId(), after.index(),
                    before.replicas(), after.replicas(), before.inSync(), after.inSync());
        }
        if (before != null && !before.drCopies().equals(after.drCopies())) {
            log.info("DR copies {}/{}: {} -> {}", after.lunId(), after.index(), before.drCopies(), after.drCopies());
        }
    }
}
