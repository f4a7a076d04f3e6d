package io.cairn.coord.client;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import io.cairn.coord.cluster.ZkLeadership;
import io.cairn.coord.cluster.ZkNodeRegistry;
import io.cairn.coord.cluster.ZkPortGroupRegistry;
import io.cairn.coord.cluster.ZkPortalRegistry;
import io.cairn.coord.lun.ZkLunCatalog;
import io.cairn.coord.placement.ZkPlacementStore;
import io.cairn.coord.placement.ZkResyncReports;
import io.cairn.coord.scsi.ClusterScsiContexts;
import io.cairn.coord.scsi.ZkGatewayAcks;
import io.cairn.coord.scsi.ZkNexusDirectory;
import io.cairn.coord.scsi.ZkScsiContextStore;
import io.cairn.coord.session.ZkSession;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This process's connection to ZooKeeper: builds the Curator client from {@link Settings}, holds
 * the {@link ZkSession} over it (connection states and the session lease, in that one place),
 * and opens the typed stores on that session. Every path lives under the namespace (default
 * {@code /cairn}).
 *
 * <p>The stores know only the session, never this class, so that the packages depend one way:
 * this facade on the stores, the stores on the session.
 *
 * <p>Closing it closes the stores it opened, then the session.
 */
public final class Coordination implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Coordination.class);

    /**
     * How to reach ZooKeeper.
     *
     * @param connectString     {@code host:port[,host:port...]}
     * @param namespace         root node for every path, without a leading slash
     * @param sessionTimeout    the session timeout asked of the servers
     * @param connectionTimeout how long one operation waits for a connection before it fails
     * @param startTimeout      how long {@link #start()} waits for the first connection
     * @param retryPolicy       Curator's retry of operations that failed on connection loss
     */
    public record Settings(String connectString, String namespace, Duration sessionTimeout,
                           Duration connectionTimeout, Duration startTimeout, RetryPolicy retryPolicy) {

        public Settings {
            Objects.requireNonNull(connectString, "connectString");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
            Objects.requireNonNull(connectionTimeout, "connectionTimeout");
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
        }

        /**
         * Defaults: namespace {@code cairn}, 15 s session; an operation waits at most 3 s for a
         * connection and is retried 3 times, so a caller learns of an outage within seconds
         * rather than hanging; start waits 15 s.
         */
        public static Settings of(String connectString) {
            return new Settings(connectString, "cairn", Duration.ofSeconds(15), Duration.ofSeconds(3),
                    Duration.ofSeconds(15), new ExponentialBackoffRetry(100, 3));
        }

        public Settings withNamespace(String value) {
            return new Settings(connectString, value, sessionTimeout, connectionTimeout, startTimeout, retryPolicy);
        }

        public Settings withSessionTimeout(Duration value) {
            return new Settings(connectString, namespace, value, connectionTimeout, startTimeout, retryPolicy);
        }

        public Settings withStartTimeout(Duration value) {
            return new Settings(connectString, namespace, sessionTimeout, connectionTimeout, value, retryPolicy);
        }
    }

    private final ZkSession session;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    public Coordination(Settings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock the lease's monotonic clock ({@link System#nanoTime}; tests move it by hand) */
    public Coordination(Settings settings, LongSupplier nanoClock) {
        Objects.requireNonNull(settings, "settings");
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .namespace(settings.namespace())
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(settings.connectionTimeout().toMillis()))
                .retryPolicy(settings.retryPolicy())
                .waitForShutdownTimeoutMs(5_000)
                .build();
        this.session = new ZkSession(curator, settings.connectString(), settings.sessionTimeout(),
                settings.startTimeout(), nanoClock);
    }

    /**
     * Connects and waits for the session.
     *
     * @throws CoordinationUnavailableException if no server answered within the start timeout
     */
    public Coordination start() {
        session.start();
        return this;
    }

    /** See {@link ZkSession#isConnected()}: connected, and the session lease current. */
    public boolean isConnected() {
        return session.isConnected();
    }

    /** See {@link ZkSession#state()}. */
    public SessionState state() {
        return session.state();
    }

    /** Called, on Curator's event thread or the lease renewer, with every session state change. */
    public void addConnectionListener(Consumer<SessionState> listener) {
        session.addConnectionListener(listener);
    }

    public String connectString() {
        return session.connectString();
    }

    /**
     * The session the stores stand on; for this module's glue that needs it beside the stores
     * (e.g. {@link ClusterScsiContexts}).
     */
    public ZkSession session() {
        return session;
    }

    /**
     * The Curator client, namespaced. For the stores of this module and the test harness:
     * nothing outside {@code coordination} talks to ZooKeeper directly.
     */
    public CuratorFramework curator() {
        return session.curator();
    }

    /** Opens the LUN catalog, its cache primed; closed with this. */
    public ZkLunCatalog openLunCatalog() {
        return track(ZkLunCatalog.open(session));
    }

    /** Opens the SCSI context store, its cache primed; closed with this. */
    public ZkScsiContextStore openScsiContextStore() {
        return track(ZkScsiContextStore.open(session));
    }

    /**
     * Opens the applied-everywhere acknowledgements over {@code store} (this process's SCSI
     * context store, e.g. from {@link #openScsiContextStore()}); closed with this. A gateway then
     * calls {@code join(gatewayId)} before serving I/O.
     */
    public ZkGatewayAcks openGatewayAcks(ZkScsiContextStore store) {
        return track(ZkGatewayAcks.open(session, store));
    }

    /** Opens the directory of I_T nexuses, publishing this gateway's as {@code gatewayId}; closed with this. */
    public ZkNexusDirectory openNexusDirectory(String gatewayId) {
        return track(ZkNexusDirectory.open(session, gatewayId));
    }

    /** Opens the node registry, its live and known sets primed; closed with this (withdrawing live registrations). */
    public ZkNodeRegistry openNodeRegistry() {
        return track(ZkNodeRegistry.open(session));
    }

    /** Opens the placement store, its cache primed; closed with this. */
    public ZkPlacementStore openPlacementStore() {
        return track(ZkPlacementStore.open(session));
    }

    /**
     * Joins the election of {@code group} (e.g. {@code control-plane}) as {@code participantId};
     * leaves it when closed, or when this is closed.
     */
    public ZkLeadership openLeadership(String group, String participantId) {
        return track(ZkLeadership.open(session, group, participantId));
    }

    /** Opens the registry of every live gateway's target port group, primed; closed with this (withdrawing this process's). */
    public ZkPortGroupRegistry openPortGroupRegistry() {
        return track(ZkPortGroupRegistry.open(session));
    }

    /** Opens the registry of every live gateway's portal, primed; closed with this (withdrawing this process's). */
    public ZkPortalRegistry openPortalRegistry() {
        return track(ZkPortalRegistry.open(session));
    }

    /** The resync reports (no cache: each call reads ZooKeeper). */
    public ZkResyncReports resyncReports() {
        return new ZkResyncReports(session);
    }

    private <T extends AutoCloseable> T track(T store) {
        synchronized (opened) {
            opened.push(store);
        }
        return store;
    }

    @Override
    public void close() {
        synchronized (opened) {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception e) {
                    log.warn("closing a coordination store failed", e);
                }
            }
        }
        session.close();
    }
}
