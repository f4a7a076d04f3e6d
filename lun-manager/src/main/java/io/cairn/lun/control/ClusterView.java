package io.cairn.lun.control;

import io.cairn.coord.cluster.NodeInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The membership one control-plane pass acts on, taken once at the start of the pass so that every
 * sub-unit of the pass is judged against the same picture.
 *
 * @param live  ids of nodes holding a live registration
 * @param gone  ids of nodes away longer than the node-gone timeout, or no longer known at all:
 *              their copies are to be replaced
 * @param nodes every known node by id (for sites and hosts)
 */
record ClusterView(Set<Integer> live, Set<Integer> gone, Map<Integer, NodeInfo> nodes) {
    ClusterView {
        live = Set.copyOf(live);
        gone = Set.copyOf(gone);
        nodes = Map.copyOf(nodes);
    }

    boolean isLive(int id) {
        return live.contains(id);
    }

    /** A node whose copy should be replaced: away too long, or forgotten by an operator. */
    boolean isGone(int id) {
        return !live.contains(id) && (gone.contains(id) || !nodes.containsKey(id));
    }

    /** Live nodes of {@code site}, the placement candidates. */
    List<NodeInfo> liveIn(String site) {
        return nodes.values().stream().filter(n -> live.contains(n.id()) && n.site().equals(site)).toList();
    }

    String hostOf(int id) {
        NodeInfo n = nodes.get(id);
        return n == null ? "?node-" + id : n.host();
    }
}
