package io.cairn.coord.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Cluster membership through ZooKeeper: a live node holds an ephemeral registration that vanishes
 * when its session ends; every node ever registered stays known until an operator (or the control
 * plane, after re-placing its data) forgets it. Reads come from a watched local copy.
 */
public interface NodeRegistry extends AutoCloseable {

    /** Announces this process as {@code node}: live (ephemeral) and known (persistent). */
    void register(NodeInfo node);

    List<NodeInfo> live();

    List<NodeInfo> known();

    Optional<NodeInfo> node(int id);

    boolean isLive(int id);

    /** Removes a node from the known set (it will not come back, or will come back empty). */
    void forget(int id);

    /** Called, on a coordination thread, after any change of the live or known sets. */
    void addListener(Runnable listener);

    @Override
    void close();
}
