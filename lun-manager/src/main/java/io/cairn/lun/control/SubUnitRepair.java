package io.cairn.lun.control;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.placement.PlacementPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The placement one sub-unit should have, given its current placement and the cluster as a pass
 * sees it (architecture.md "Failure handling"). A pure function, so it can run inside
 * {@link io.cairn.coord.placement.PlacementStore#update}'s compare-and-set loop and be re-applied
 * to a fresher value; applied to its own result it changes nothing, which makes every reaction
 * idempotent across retries, crashes and leader changes.
 *
 * <ol>
 *   <li>No placement: replicas from the policy, primary the first, epoch 1, all in sync (all empty).</li>
 *   <li>Primary not live: the first live in-sync replica becomes primary (epoch + 1, in sync alone
 *       until it has resynced the others). None: left as is, the sub-unit is unavailable until a copy returns;
 *       promoting an out-of-sync copy would lose acknowledged writes.</li>
 *   <li>In-sync secondary not live: dropped from in-sync (degraded); writes no longer wait for it.</li>
 *   <li>Replica gone (away past the timeout, or forgotten): replaced in place by a policy choice,
 *       not in sync, for the primary to rebuild. Never the primary itself: if the primary is gone
 *       with no other in-sync copy, its copy is the only one there is.</li>
 *   <li>Fewer replicas than copies (the site was short): filled from new live nodes.</li>
 *   <li>DR copies (architecture.md "Disaster-recovery sites"): one per DR site of the LUN, on a live
 *       node of that site that receives DR copies (announces a ship port). Kept while its node is
 *       merely down (it holds what was shipped, and shipping resumes when it returns); re-placed
 *       when its node is gone; dropped when the LUN no longer names the site; left out while the
 *       site has no such node, and placed when one registers. A DR copy is never on a node holding
 *       a local copy.</li>
 * </ol>
 */
final class SubUnitRepair {

    private final PlacementPolicy policy;
    private final Function<LunDefinition, String> unrecordedSiteOf;

    /** @param unrecordedSiteOf the site of a LUN whose definition records none (SitePolicy#UNRECORDED) */
    SubUnitRepair(PlacementPolicy policy, Function<LunDefinition, String> unrecordedSiteOf) {
        this.policy = policy;
        this.unrecordedSiteOf = unrecordedSiteOf;
    }

    /** The site whose live nodes hold {@code lun}'s local copies: the recorded one, else {@link #unrecordedSiteOf}'s choice. */
    private String siteOf(LunDefinition lun) {
        return lun.sites().site().orElseGet(() -> unrecordedSiteOf.apply(lun));
    }

    /** The repaired placement, or null if {@code current} needs no change (or none is possible). */
    SubUnitPlacement apply(LunDefinition lun, int index, SubUnitPlacement current, ClusterView view) {
        if (current == null) {
            PlacementPolicy.Choice c = policy.place(lun.id(), index, lun.copies(), view.liveIn(siteOf(lun)));
            if (c.replicas().isEmpty()) {
                return null; // no live node in the site: nothing can be primary yet
            }
            return new SubUnitPlacement(lun.id(), index, c.replicas(), c.replicas().get(0), 1, c.replicas(),
                    drCopies(lun, index, c.replicas(), Map.of(), view));
        }
        SubUnitPlacement p = current;
        if (!view.isLive(p.primary())) {
            List<Integer> survivors = p.inSync().stream().filter(view::isLive).toList();
            if (survivors.isEmpty()) {
                return null; // unavailable: wait for an in-sync copy to come back
            }
            // Only the new primary stays in sync: the old one may have reached some survivors and
            // not others with a write it never acknowledged, so survivors can differ. Each rejoins
            // through a resync from the new primary, which overrides what differs (Resync), and the
            // copies never disagree while counted in sync. (The design sketch had the new primary catch up
            // from the others; the other direction keeps one source of truth and reuses resync.)
            p = p.withPrimary(survivors.get(0), List.of(survivors.get(0)));
        }
        int primary = p.primary();
        List<Integer> inSync = p.inSync().stream().filter(id -> id == primary || view.isLive(id)).toList();

        List<Integer> replicas = new ArrayList<>(p.replicas());
        List<Integer> holes = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            int id = replicas.get(i);
            if (id != primary && view.isGone(id)) {
                holes.add(i);
            }
        }
        List<Integer> keep = new ArrayList<>(replicas);
        for (int i = holes.size() - 1; i >= 0; i--) {
            keep.remove((int) holes.get(i));
        }
        int target = Math.max(lun.copies(), 1);
        if (!holes.isEmpty() || replicas.size() < target) {
            List<String> usedHosts = keep.stream().map(view::hostOf).toList();
            // every current member is excluded, gone ones too, so no node is listed twice
            List<Integer> added = policy.choose(lun.id(), index, target - keep.size(), replicas,
                    view.liveIn(siteOf(lun)), usedHosts).replicas();
            int next = 0;
            List<Integer> rebuilt = new ArrayList<>(replicas);
            List<Integer> dropped = new ArrayList<>();
            for (int hole : holes) {
                if (next < added.size()) {
                    rebuilt.set(hole, added.get(next++));
                } else {
                    dropped.add(rebuilt.get(hole)); // no replacement available: the gone copy is useless
                }
            }
            rebuilt.removeAll(dropped);
            while (next < added.size() && rebuilt.size() < target) {
                rebuilt.add(added.get(next++));
            }
            replicas = rebuilt;
            List<Integer> members = replicas;
            inSync = inSync.stream().filter(members::contains).toList();
        }
        SubUnitPlacement repaired = new SubUnitPlacement(p.lunId(), p.index(), replicas, primary, p.epoch(), inSync,
                drCopies(lun, index, replicas, p.drCopies(), view));
        return repaired.equals(current) ? null : repaired;
    }

    /** The DR copy per DR site of {@code lun}: {@code current}'s where it still stands, else a policy choice. */
    private Map<String, Integer> drCopies(LunDefinition lun, int index, List<Integer> replicas,
                                          Map<String, Integer> current, ClusterView view) {
        Set<String> knownSites = new TreeSet<>();
        view.nodes().values().forEach(n -> knownSites.add(n.site()));
        Map<String, Integer> wanted = new TreeMap<>();
        for (String site : lun.sites().drSitesAmong(knownSites, siteOf(lun))) {
            Integer kept = current.get(site);
            if (kept != null && !view.isGone(kept) && !replicas.contains(kept)) {
                wanted.put(site, kept);
                continue;
            }
            List<NodeInfo> receivers = view.liveIn(site).stream().filter(NodeInfo::receivesDrCopies).toList();
            List<Integer> exclude = new ArrayList<>(replicas);
            if (kept != null) {
                exclude.add(kept);
            }
            List<Integer> chosen = policy.choose(lun.id(), index, 1, exclude, receivers, List.of()).replicas();
            if (!chosen.isEmpty()) {
                wanted.put(site, chosen.get(0));
            }
        }
        return wanted;
    }
}
