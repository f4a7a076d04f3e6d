package io.cairn.coord.cluster;

/**
 * One leader among the processes that contend (the control plane runs on the leader only).
 * Leadership ends when this process's ZooKeeper session is lost.
 */
public interface Leadership extends AutoCloseable {

    boolean isLeader();

    /** Called, on a coordination thread, with true when this process becomes leader and false when it stops. */
    void addListener(java.util.function.Consumer<Boolean> listener);

    @Override
    void close();
}
