package io.cairn.lun.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.coord.cluster.NodeInfo;
import io.cairn.testkit.coord.InMemoryNodeRegistry;
import io.cairn.store.net.BlockClient;
import io.cairn.store.net.BlockTransport;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.ReplicaService;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ClusterClientsTest {

    private static ReplicaService localStore() {
        return (ReplicaService) Proxy.newProxyInstance(ReplicaService.class.getClassLoader(),
                new Class<?>[] {ReplicaService.class}, (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void theLocalStoreIsReachedWithoutANetworkHopAndOthersThroughTheirClient() {
        InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
        registry.register(new NodeInfo(1, "t", "127.0.0.1", 7101));
        registry.register(new NodeInfo(2, "t", "127.0.0.1", 7102));
        ReplicaService local = localStore();
        try (BlockTransport transport = new BlockTransport(1);
             ClusterClients clients = new ClusterClients(registry, transport, 1, local)) {
            assertSame(local, clients.service(1), "the primary in this process is called directly");
            ReplicaService remote = clients.service(2);
            assertInstanceOf(BlockClient.class, remote);
            assertSame(remote, clients.service(2), "one client per node");
            ReplicaException unknown = assertThrows(ReplicaException.class, () -> clients.service(9));
            assertEquals(ReplicaException.Kind.UNAVAILABLE, unknown.kind());
            registry.register(new NodeInfo(2, "t", "127.0.0.1", 7202)); // back at another address
            assertNotSame(remote, clients.service(2));
        }
    }
}
