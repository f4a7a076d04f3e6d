package io.cairn.coord;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.zookeeper.SharedZooKeeper;
import java.time.Duration;

/**
 * testkit's {@link SharedZooKeeper} with {@link Coordination} clients: settings for the current
 * test's namespace, started clients closed after the test class, and session expiry by client.
 */
public final class ZooKeeperFixture extends SharedZooKeeper {

    public ZooKeeperFixture() {
        super();
    }

    public ZooKeeperFixture(int servers) {
        super(servers);
    }

    /** Client settings in the current test's namespace: the production defaults with a short start timeout. */
    public Coordination.Settings settings() {
        return Coordination.Settings.of(connectString()).withStartTimeout(Duration.ofSeconds(10)).withNamespace(namespace());
    }

    /** A started client in the current test's namespace; closed after the test class. */
    public Coordination newCoordination() {
        return newCoordination(settings());
    }

    /** A started client with these settings; closed after the test class. */
    public Coordination newCoordination(Coordination.Settings settings) {
        return closeAfterAll(new Coordination(settings).start());
    }

    /** Expires the client's session on the servers: it sees {@link SessionState#LOST}, then makes a new session. */
    public void expireSession(Coordination coordination) {
        try {
            expireSession(coordination.curator().getZookeeperClient().getZooKeeper());
        } catch (Exception e) {
            throw new IllegalStateException("client has no session", e);
        }
    }
}
