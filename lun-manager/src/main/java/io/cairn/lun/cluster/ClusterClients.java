package io.cairn.lun.cluster;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.coord.cluster.NodeRegistry;
import io.cairn.lun.device.Nodes;
import io.cairn.store.net.BlockClient;
import io.cairn.store.net.BlockClientSettings;
import io.cairn.store.net.BlockTransport;
import io.cairn.replica.Peers;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Block-protocol clients of the other store nodes, found through the node registry and replaced
 * when a node comes back at another address. {@code self}, when set, is this process's own store,
 * reached without a network hop.
 *
 * <p>One client per node and event loop of the transport (its lanes): a caller on an event loop
 * (an iSCSI connection, or a store replicating a write it received) gets the client of its own
 * loop, so request, answer and completion stay on one thread; other callers spread round-robin.
 */
public final class ClusterClients implements Peers, Nodes, AutoCloseable {

    private record Entry(NodeInfo node, BlockClient[] lanes) {
        void close() {
            for (BlockClient c : lanes) {
                c.close();
            }
        }
    }

    private final NodeRegistry registry;
    private final BlockTransport transport;
    private final int selfId;
    private final ReplicaService self;
    private final ConcurrentHashMap<Integer, Entry> clients = new ConcurrentHashMap<>();
    private final AtomicInteger spread = new AtomicInteger();

    public ClusterClients(NodeRegistry registry, BlockTransport transport, int selfId, ReplicaService self) {
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
        Entry e = clients.get(nodeId);
        if (e == null || !e.node().equals(info)) {
            e = clients.compute(nodeId, (id, old) -> {
                if (old != null && old.node().equals(info)) {
                    return old;
                }
                if (old != null) {
                    old.close();
                }
                InetSocketAddress address = new InetSocketAddress(info.host(), info.port());
                BlockClient[] lanes = new BlockClient[transport.lanes().size()];
                for (int i = 0; i < lanes.length; i++) {
                    lanes[i] = new BlockClient(transport, transport.lanes().get(i), address, BlockClientSettings.defaults());
                }
                return new Entry(info, lanes);
            });
        }
        int lane = transport.laneOfCurrentThread();
        if (lane < 0) {
            lane = Math.floorMod(spread.getAndIncrement(), e.lanes().length);
        }
        return e.lanes()[lane];
    }

    @Override
    public void close() {
        clients.values().forEach(Entry::close);
        clients.clear();
    }
}
