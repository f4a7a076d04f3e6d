package io.cairn.coord;

import io.cairn.coord.cluster.ZkLeadership;
import io.cairn.coord.cluster.ZkNodeRegistry;
import io.cairn.coord.cluster.ZkPortGroupRegistry;
import io.cairn.coord.cluster.ZkPortalRegistry;
import io.cairn.coord.placement.ZkResyncReports;
import io.cairn.coord.lun.ZkLunCatalog;
import io.cairn.coord.placement.ZkPlacementStore;
import io.cairn.coord.scsi.ZkGatewayAcks;
import io.cairn.coord.scsi.ZkNexusDirectory;
import io.cairn.coord.scsi.ZkScsiContextStore;
import io.cairn.coord.session.SessionLease;
import io.cairn.coord.session.ZkRoundTrip;
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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This process's connection to ZooKeeper: owns the Curator client, turns Curator's connection
 * states into {@link SessionState}s in this one place, and opens the typed stores. Every path
 * lives under the namespace (default {@code /cairn}).
 *
 * <p>Connected means more than Curator's word: the {@link SessionLease} must also be current, so a
 * process that was paused past its session timeout counts as disconnected the moment it resumes,
 * before Curator's I/O thread has noticed anything. A lapse of the lease is reported to listeners
 * as {@link SessionState#SUSPENDED} and its renewal as {@link SessionState#RECONNECTED}, so every
 * holder of state derived from the session treats it as the interruption it may have been.
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
    private final SessionLease lease;
    private final ScheduledExecutorService renewer;
    /** Orders the two sources of transitions (Curator's event thread, the lease renewer) for listeners. */
    private final Object transitions = new Object();

    public Coordination(Settings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock the lease's monotonic clock ({@link System#nanoTime}; tests move it by hand) */
    public Coordination(Settings settings, LongSupplier nanoClock) {
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
        this.lease = new SessionLease(new ZkRoundTrip(curator), nanoClock, new SessionLease.Listener() {
            @Override
            public void lapsed() {
                onLeaseChange(SessionState.SUSPENDED);
            }

            @Override
            public void regained() {
                onLeaseChange(SessionState.RECONNECTED);
            }
        });
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-session-lease");
            t.setDaemon(true);
            return t;
        });
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
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (!lease.renew()) {
            if (System.nanoTime() - deadline > 0) {
                close();
                throw new CoordinationUnavailableException("ZooKeeper at " + settings.connectString()
                        + " answered no request within " + settings.startTimeout(), null);
            }
            sleep(Duration.ofMillis(100));
        }
        renewer.schedule(this::renewLease, lease.renewalPeriod(settings.sessionTimeout()).toNanos(),
                TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * True while the session is live and connected and its lease current: only then is shared
     * state known to be current. Reads the lease (a clock comparison) before Curator's state, and
     * the lease reports a lapse before it extends, so a caller that also checks its own
     * lapse-driven flag after this sees that flag cleared whenever it sees a renewed lease.
     */
    public boolean isConnected() {
        if (!lease.isCurrent()) {
            return false;
        }
        SessionState now = state.get();
        return now != null && now.isConnected();
    }

    /**
     * The latest state; {@link SessionState#SUSPENDED} before the first connection, after close, and
     * while the lease has lapsed.
     */
    public SessionState state() {
        SessionState now = state.get();
        if (now == null || (now.isConnected() && !lease.isCurrent())) {
            return SessionState.SUSPENDED;
        }
        return now;
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

    /** Opens the registry of every live gateway's target port group, primed; closed with this (withdrawing this process's). */
    public ZkPortGroupRegistry openPortGroupRegistry() {
        return track(ZkPortGroupRegistry.open(this));
    }

    /** Opens the registry of every live gateway's portal, primed; closed with this (withdrawing this process's). */
    public ZkPortalRegistry openPortalRegistry() {
        return track(ZkPortalRegistry.open(this));
    }

    /** The resync reports (no cache: each call reads ZooKeeper). */
    public ZkResyncReports resyncReports() {
        return new ZkResyncReports(this);
    }

    private <T extends AutoCloseable> T track(T store) {
        synchronized (opened) {
            opened.push(store);
        }
        return store;
    }

    private void renewLease() {
        try {
            lease.renew();
        } catch (RuntimeException e) {
            log.error("session lease renewal failed", e);
        }
        try {
            renewer.schedule(this::renewLease, lease.renewalPeriod(settings.sessionTimeout()).toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    private void onLeaseChange(SessionState reported) {
        synchronized (transitions) {
            if (reported == SessionState.SUSPENDED) {
                log.warn("ZooKeeper session lease lapsed ({}): counting the session as interrupted",
                        settings.connectString());
            } else {
                log.info("ZooKeeper session lease renewed ({})", settings.connectString());
            }
            tell(reported);
        }
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
        synchronized (transitions) {
            state.set(mapped);
            if (mapped == SessionState.LOST || mapped == SessionState.SUSPENDED) {
                log.warn("ZooKeeper session {} ({})", mapped, settings.connectString());
            } else {
                log.info("ZooKeeper session {} ({})", mapped, settings.connectString());
            }
            tell(mapped);
        }
    }

    private void tell(SessionState reported) {
        for (Consumer<SessionState> listener : listeners) {
            try {
                listener.accept(reported);
            } catch (RuntimeException e) {
                log.error("session state listener failed on {}", reported, e);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationUnavailableException("interrupted while starting", e);
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
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
