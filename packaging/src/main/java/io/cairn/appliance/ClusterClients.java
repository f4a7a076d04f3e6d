package io.cairn.appliance;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.lun.device.Nodes;
import io.cairn.store.net.BlockClient;
import io.cairn.store.net.BlockTransport;
import io.cairn.store.replica.Peers;
import io.cairn.store.replica.ReplicaException;
import io.cairn.store.replica.ReplicaService;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Block-protocol clients of the other store nodes, one per node, found through the node registry
 * and replaced when a node comes back at another address. {@code self}, when set, is this
 * process's own store, reached without a network hop.
 */
final class ClusterClients implements Peers, Nodes, AutoCloseable {

    private record Entry(NodeInfo node, BlockClient client) {}

    private final NodeRegistry registry;
    private final BlockTransport transport;
    private final int selfId;
    private final ReplicaService self;
    private final ConcurrentHashMap<Integer, Entry> clients = new ConcurrentHashMap<>();

    ClusterClients(NodeRegistry registry, BlockTransport transport, int selfId, ReplicaService self) {
        this.registry = registry;
        this.transport = transport;
        this.selfId = selfId;
        this.self = self;
    }

    @Override
    public ReplicaService peer(int node) {
        return service(node);
    }

    @Override
    public ReplicaService service(int nodeId) {
        if (self != null && nodeId == selfId) {
            return self;
        }
        NodeInfo info = registry.node(nodeId).orElseThrow(() ->
                new ReplicaException(ReplicaException.Kind.UNAVAILABLE, "node " + nodeId + " is not known"));
        Entry e = clients.compute(nodeId, (id, old) -> {
            if (old != null && old.node().equals(info)) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            return new Entry(info, new BlockClient(transport, new InetSocketAddress(info.host(), info.port())));
        });
        return e.client();
    }

    @Override
    public void close() {
        clients.values().forEach(e -> e.client().close());
        clients.clear();
    }
}
