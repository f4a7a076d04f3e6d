package io.cairn.testkit.zookeeper;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link ZooKeeperHarness} for all tests of a class (a server start per test would dominate
 * the run), started before the first test and closed after the last, and a fresh namespace per
 * test so that tests sharing the servers never see each other's nodes. Register it on a static
 * field:
 *
 * <pre>{@code @RegisterExtension static final SharedZooKeeper zk = new SharedZooKeeper();}</pre>
 */
public class SharedZooKeeper implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final int servers;
    private final AtomicInteger tests = new AtomicInteger();
    private volatile ZooKeeperHarness harness;
    private volatile String namespace;

    /** One server. */
    public SharedZooKeeper() {
        this(1);
    }

    /** An ensemble of {@code servers} servers. */
    public SharedZooKeeper(int servers) {
        this.servers = servers;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        harness = ZooKeeperHarness.startEnsemble(servers);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        namespace = context.getRequiredTestClass().getSimpleName() + "-" + tests.incrementAndGet();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ZooKeeperHarness started = harness;
        harness = null;
        if (started != null) {
            started.close();
        }
    }

    public ZooKeeperHarness harness() {
        if (harness == null) {
            throw new IllegalStateException("SharedZooKeeper must be registered on a static field");
        }
        return harness;
    }

    /** The current test's namespace. */
    public String namespace() {
        return namespace;
    }

    public String connectString() {
        return harness().connectString();
    }

    /** Closes {@code client} after the test class; returns it. */
    public <T extends AutoCloseable> T closeAfterAll(T client) {
        return harness().closeWithHarness(client);
    }

    /** See {@link ZooKeeperHarness#expireSession}. */
    public void expireSession(ZooKeeper client) {
        harness().expireSession(client);
    }

    public void stopServer() {
        harness().stopServer();
    }

    public void startServer() {
        harness().startServer();
    }

    public void restartServer() {
        harness().restartServer();
    }
}
