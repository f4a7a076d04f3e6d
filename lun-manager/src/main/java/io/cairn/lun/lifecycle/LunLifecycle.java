package io.cairn.lun.lifecycle;

import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.ResyncReports;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.device.Nodes;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.store.dr.DrCopy;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The operations on a LUN's life that operators ask for, whoever asks (the `cairn` CLI, the
 * single-node appliance at its first start, the REST API): create, wait for placement, status,
 * verify. Each reads and writes coordination through its interfaces; none is on an I/O path.
 * Thread-safe.
 */
public final class LunLifecycle {

    /** How long verify waits for one store's answer. */
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(30);

    private final LunCatalog catalog;
    private final PlacementStore placements;
    private final ResyncReports resyncs;
    private final Nodes nodes;
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clock;

    /**
     * @param placements the cluster's placements (a single node has none: an empty store)
     * @param nodes      the store nodes, for {@link #verify}; null where no store can be reached
     * @param clock      wall-clock milliseconds, for the creation time
     */
    public LunLifecycle(LunCatalog catalog, PlacementStore placements, ResyncReports resyncs, Nodes nodes,
                        LongSupplier clock) {
        this.catalog = catalog;
        this.placements = placements;
        this.resyncs = resyncs;
        this.nodes = nodes;
        this.clock = clock;
    }

    /**
     * Records a new LUN in the catalog with a new identity (NAA and serial). In a cluster the control
     * plane then places its sub-units ({@link #awaitPlacement}).
     *
     * @throws LunCatalog.LunExistsException if a LUN with the id exists
     * @throws io.cairn.coord.CoordinationUnavailableException if the catalog cannot be written
     */
    public LunDefinition create(LunSpec spec) throws LunCatalog.LunExistsException {
        LunDefinition lun = spec.define(random, clock.getAsLong());
        catalog.create(lun);
        return lun;
    }

    /** Waits until every sub-unit of {@code lunId} is placed; returns how many are, at most after {@code timeout}. */
    public int awaitPlacement(String lunId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int wanted = catalog.get(lunId).map(LunDefinition::subUnitCount).orElse(0);
        int placed = placements.list(lunId).size();
        while (placed < wanted && System.nanoTime() - deadline < 0) {
            TimeUnit.MILLISECONDS.sleep(100);
            placed = placements.list(lunId).size();
        }
        return placed;
    }

    /** Placement, health and resyncs of {@code lunId}, or empty if there is no such LUN. */
    public Optional<LunStatus> status(String lunId) {
        Optional<LunDefinition> found = catalog.get(lunId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LunDefinition lun = found.get();
        List<LunStatus.SubUnit> subUnits = new ArrayList<>();
        int degraded = 0;
        for (SubUnitPlacement p : placements.list(lunId)) {
            subUnits.add(new LunStatus.SubUnit(p.index(), p.primary(), p.epoch(), p.replicas(), p.inSync(),
                    p.drCopies()));
            degraded += p.degraded() ? 1 : 0;
        }
        List<LunStatus.Resync> done = resyncs.list(lunId).stream().map(r -> new LunStatus.Resync(r.index(), r.replica(),
                r.blocksCompared(), r.blocksCopied(), r.millis(), r.finishedAtMillis())).toList();
        LunStatus.Sites sites = new LunStatus.Sites(lun.sites().site().orElse(null),
                lun.sites().drSites().orElse(null), lun.sites().dropLocalCopy());
        return Optional.of(new LunStatus(lunId, lun.targetIqn(), lun.sizeBytes(), lun.copies(),
                lun.durability().wireName(), sites, subUnits,
                subUnits.size(), lun.subUnitCount(), degraded, lun.subUnitCount() - subUnits.size(), done));
    }

    /**
     * Asks every in-sync copy and every DR copy of every sub-unit for its versions and content
     * digests and compares them. A copy that does not answer makes its sub-unit not identical,
     * with the reason.
     */
    public LunVerification verify(String lunId) throws InterruptedException {
        if (nodes == null) {
            throw new IllegalStateException("verify needs the store nodes");
        }
        List<SubUnitPlacement> placed = placements.list(lunId);
        List<LunVerification.SubUnit> subUnits = new ArrayList<>();
        boolean all = !placed.isEmpty();
        for (SubUnitPlacement p : placed) {
            List<String> problems = new ArrayList<>();
            Verification first = null;
            for (int node : p.inSync()) {
                Verification v = ask(node, new SubUnitId(lunId, p.index()), "node " + node, problems);
                if (v != null && first == null) {
                    first = v;
                } else if (v != null && !identical(first, v)) {
                    problems.add("node " + node + " differs from node " + first.node());
                }
            }
            for (Map.Entry<String, Integer> dr : p.drCopies().entrySet()) {
                String which = "DR copy in " + dr.getKey() + " (node " + dr.getValue() + ")";
                Verification v = ask(dr.getValue(), new SubUnitId(lunId + DrCopy.COPY_SUFFIX, p.index()), which, problems);
                if (v != null && first != null && !identical(first, v)) {
                    problems.add(which + " differs from node " + first.node());
                }
            }
            boolean same = problems.isEmpty();
            subUnits.add(new LunVerification.SubUnit(p.index(), p.inSync(), p.drCopies(), same,
                    same ? null : String.join("; ", problems)));
            all &= same;
        }
        return new LunVerification(lunId, subUnits, all);
    }

    /** {@code node}'s verification of {@code id}, or null with the reason added to {@code problems}. */
    private Verification ask(int node, SubUnitId id, String which, List<String> problems) throws InterruptedException {
        try {
            return nodes.service(node).verify(id).get(VERIFY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            problems.add(which + ": " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
            return null;
        }
    }

    private static boolean identical(Verification a, Verification b) {
        return Arrays.equals(a.versions().epochs(), b.versions().epochs())
                && Arrays.equals(a.versions().ids(), b.versions().ids())
                && Arrays.equals(a.versions().mapped(), b.versions().mapped())
                && Arrays.equals(a.contentDigests(), b.contentDigests());
    }
}
