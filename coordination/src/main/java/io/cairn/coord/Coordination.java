package io.cairn.coord;

import io.cairn.coord.cluster.ZkLeadership;
import io.cairn.coord.cluster.ZkNodeRegistry;
import io.cairn.coord.lun.ZkLunCatalog;
import io.cairn.coord.placement.ZkPlacementStore;
import io.cairn.coord.scsi.ZkGatewayAcks;
import io.cairn.coord.scsi.ZkNexusDirectory;
import io.cairn.coord.scsi.ZkScsiContextStore;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * This process's connection to ZooKeeper: owns the Curator client, turns Curator's connection
 * states into {@link SessionState}s in this one place, and opens the typed stores. Every path
 * lives under the namespace (default {@code /cairn}).
 *
 * <p>Closing it closes the stores it opened, then the client.
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

    private final Settings settings;
    private final CuratorFramework curator;
    private final List<Consumer<SessionState>> listeners = new CopyOnWriteArrayList<>();
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    /** Null until the first connection. */
    private final AtomicReference<SessionState> state = new AtomicReference<>();

    public Coordination(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.curator = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .namespace(settings.namespace())
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(Math.toIntExact(settings.connectionTimeout().toMillis()))
                .retryPolicy(settings.retryPolicy())
                .waitForShutdownTimeoutMs(5_000)
                .build();
        curator.getConnectionStateListenable().addListener((client, newState) -> onStateChange(newState));
    }

    /**
     * Connects and waits for the session.
     *
     * @throws CoordinationUnavailableException if no server answered within the start timeout
     */
    public Coordination start() {
        curator.start();
        boolean connected;
        try {
            connected = curator.blockUntilConnected(
                    Math.toIntExact(settings.startTimeout().toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            curator.close();
            throw new CoordinationUnavailableException("no ZooKeeper server answered at "
                    + settings.connectString() + " within " + settings.startTimeout(), null);
        }
        // Curator reports CONNECTED to listeners on its own thread, maybe after this returns
        state.compareAndSet(null, SessionState.CONNECTED);
        return this;
    }

    /** True while the session is live and connected: only then is shared state known to be current. */
    public boolean isConnected() {
        SessionState now = state.get();
        return now != null && now.isConnected();
    }

    /** The latest state; {@link SessionState#SUSPENDED} before the first connection and after close. */
    public SessionState state() {
        SessionState now = state.get();
        return now == null ? SessionState.SUSPENDED : now;
    }

    /** Called, on Curator's event thread, with every session state change. */
    public void addConnectionListener(Consumer<SessionState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public String connectString() {
        return settings.connectString();
    }

    /**
     * The Curator client, namespaced. For the stores of this module and the test harness:
     * nothing outside {@code coordination} talks to ZooKeeper directly.
     */
    public CuratorFramework curator() {
        return curator;
    }

    /** Opens the LUN catalog, its cache primed; closed with this. */
    public ZkLunCatalog openLunCatalog() {
        return track(ZkLunCatalog.open(this));
    }

    /** Opens the SCSI context store, its cache primed; closed with this. */
    public ZkScsiContextStore openScsiContextStore() {
        return track(ZkScsiContextStore.open(this));
    }

    /**
     * Opens the applied-everywhere acknowledgements over {@code store} (this process's SCSI
     * context store, e.g. from {@link #openScsiContextStore()}); closed with this. A gateway then
     * calls {@code join(gatewayId)} before serving I/O.
     */
    public ZkGatewayAcks openGatewayAcks(ZkScsiContextStore store) {
        return track(ZkGatewayAcks.open(this, store));
    }

    /** Opens the directory of I_T nexuses, publishing this gateway's as {@code gatewayId}; closed with this. */
    public ZkNexusDirectory openNexusDirectory(String gatewayId) {
        return track(ZkNexusDirectory.open(this, gatewayId));
    }

    /** Opens the node registry, its live and known sets primed; closed with this (withdrawing live registrations). */
    public ZkNodeRegistry openNodeRegistry() {
        return track(ZkNodeRegistry.open(this));
    }

    /** Opens the placement store, its cache primed; closed with this. */
    public ZkPlacementStore openPlacementStore() {
        return track(ZkPlacementStore.open(this));
    }

    /**
     * Joins the election of {@code group} (e.g. {@code control-plane}) as {@code participantId};
     * leaves it when closed, or when this is closed.
     */
    public ZkLeadership openLeadership(String group, String participantId) {
        return track(ZkLeadership.open(this, group, participantId));
    }

    private <T extends AutoCloseable> T track(T store) {
        synchronized (opened) {
            opened.push(store);
        }
        return store;
    }

    private void onStateChange(ConnectionState newState) {
        SessionState mapped = switch (newState) {
            case CONNECTED -> SessionState.CONNECTED;
            case RECONNECTED -> SessionState.RECONNECTED;
            case SUSPENDED -> SessionState.SUSPENDED;
            case LOST -> SessionState.LOST;
            // never asked for (canBeReadOnly is off); a read-only server cannot take writes anyway
            case READ_ONLY -> SessionState.SUSPENDED;
        };
        state.set(mapped);
        if (mapped == SessionState.LOST || mapped == SessionState.SUSPENDED) {
            log.warn("ZooKeeper session {} ({})", mapped, settings.connectString());
        } else {
            log.info("ZooKeeper session {} ({})", mapped, settings.connectString());
        }
        for (Consumer<SessionState> listener : listeners) {
            try {
                listener.accept(mapped);
            } catch (RuntimeException e) {
                log.error("session state listener failed on {}", mapped, e);
            }
        }
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
        curator.close();
        state.set(SessionState.SUSPENDED);
    }
}
