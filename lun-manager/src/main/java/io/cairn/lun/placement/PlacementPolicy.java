package io.cairn.lun.placement;

import io.cairn.coord.cluster.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * Where a LUN's sub-units go: for each sub-unit a replica set of {@code copies} distinct nodes of
 * the LUN's site (architecture.md "One LUN, many sub-units"; choosing among sites comes with the DR sites).
 *
 * <p>Rendezvous (highest-random-weight) hashing: every candidate node gets a pseudo-random weight
 * from (lunId, index, nodeId) and the heaviest win, heaviest first (so the first replica, the
 * primary, is spread as evenly as the replicas). Because a node's weight does not depend on the
 * other nodes, removing a node changes only the sub-units whose set contained it, and a new node
 * would win only the sub-units where it outweighs a member: about its fair share. The control
 * plane does not move data to a joining node (no rebalancing on join); it uses new nodes only to
 * fill sets that are short or have lost a member.
 *
 * <p>Nodes on the same host share a failure domain: a host already holding a copy is taken again
 * only when no other host is left. Stateless and thread-safe.
 */
public final class PlacementPolicy {

    /**
     * A replica set in placement order and how many copies could not be placed (the site has too
     * few eligible nodes).
     */
    public record Choice(List<Integer> replicas, int shortfall) {
        public Choice {
            replicas = List.copyOf(replicas);
        }
    }

    /** A fresh replica set for sub-unit {@code index} among {@code candidates} (the site's live nodes). */
    public Choice place(String lunId, int index, int copies, List<NodeInfo> candidates) {
        return choose(lunId, index, copies, List.of(), candidates, List.of());
    }

    /**
     * Up to {@code count} more nodes for sub-unit {@code index}: the heaviest {@code candidates}
     * not in {@code exclude} (the set's current members), preferring hosts not in
     * {@code usedHosts} (hosts already holding a copy).
     *
     * @return the chosen nodes, heaviest first, and how many of {@code count} could not be found
     */
    public Choice choose(String lunId, int index, int count, Collection<Integer> exclude, List<NodeInfo> candidates,
                         Collection<String> usedHosts) {
        if (count <= 0) {
            return new Choice(List.of(), 0);
        }
        long lunHash = hash(lunId);
        List<NodeInfo> ranked = new ArrayList<>();
        for (NodeInfo n : candidates) {
            if (!exclude.contains(n.id())) {
                ranked.add(n);
            }
        }
        ranked.sort(Comparator.comparingLong((NodeInfo n) -> weight(lunHash, index, n.id())).reversed()
                .thenComparingInt(NodeInfo::id));
        Set<String> hosts = new HashSet<>(usedHosts);
        List<NodeInfo> chosen = new ArrayList<>();
        for (NodeInfo n : ranked) { // first pass: hosts without a copy only
            if (chosen.size() < count && hosts.add(n.host())) {
                chosen.add(n);
            }
        }
        for (NodeInfo n : ranked) { // second pass: share a host rather than miss a copy
            if (chosen.size() < count && !chosen.contains(n)) {
                chosen.add(n);
            }
        }
        List<Integer> ids = ranked.stream().filter(chosen::contains).map(NodeInfo::id).toList(); // heaviest first
        return new Choice(ids, count - ids.size());
    }

    /**
     * The site most of {@code nodes} are in (ties: the name first in order), or {@code fallback}
     * if there are none: where a LUN goes when nobody names its site.
     */
    public static String busiestSite(Collection<NodeInfo> nodes, String fallback) {
        Map<String, Integer> bySite = new TreeMap<>();
        for (NodeInfo n : nodes) {
            bySite.merge(n.site(), 1, Integer::sum);
        }
        String best = fallback;
        int most = 0;
        for (Map.Entry<String, Integer> e : bySite.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** The rendezvous weight of node {@code nodeId} for sub-unit {@code index} of a LUN (unsigned order irrelevant). */
    static long weight(long lunHash, int index, int nodeId) {
        return mix(lunHash ^ mix(((long) index << 20) ^ nodeId ^ 0x5bd1e995L));
    }

    static long hash(String lunId) {
        long h = 0xcbf29ce484222325L; // FNV-1a, then a finalizer: stable across JVMs, unlike String.hashCode mixing
        for (byte b : lunId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64 finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
