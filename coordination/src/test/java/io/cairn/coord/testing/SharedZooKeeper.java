package io.cairn.coord.testing;

import io.cairn.coord.Coordination;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link ZooKeeperHarness} for all tests of a class (a server start per test would dominate
 * the run), started before the first test and closed after the last, and a fresh namespace per
 * test so that tests sharing the server never see each other's nodes. Register it on a static
 * field:
 *
 * <pre>{@code @RegisterExtension static final SharedZooKeeper zk = new SharedZooKeeper();}</pre>
 */
public final class SharedZooKeeper implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final AtomicInteger tests = new AtomicInteger();
    private volatile ZooKeeperHarness harness;
    private volatile String namespace;

    @Override
    public void beforeAll(ExtensionContext context) {
        harness = ZooKeeperHarness.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        namespace = context.getRequiredTestClass().getSimpleName() + "-" + tests.incrementAndGet();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ZooKeeperHarness started = harness;
        harness = null;
        if (started != null) started.close();
    }

    public ZooKeeperHarness harness() {
        if (harness == null) throw new IllegalStateException("SharedZooKeeper must be registered on a static field");
        return harness;
    }

    /** The current test's namespace. */
    public String namespace() {
        return namespace;
    }

    /** Client settings for the server, in the current test's namespace. */
    public Coordination.Settings settings() {
        return harness().settings().withNamespace(namespace);
    }

    /** A started client in the current test's namespace; closed after the test class. */
    public Coordination newCoordination() {
        return harness().newCoordination(settings());
    }

    /** A started client with these settings; closed after the test class. */
    public Coordination newCoordination(Coordination.Settings settings) {
        return harness().newCoordination(settings);
    }

    public String connectString() {
        return harness().connectString();
    }

    /** See {@link ZooKeeperHarness#expireSession}. */
    public void expireSession(Coordination coordination) {
        harness().expireSession(coordination);
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
