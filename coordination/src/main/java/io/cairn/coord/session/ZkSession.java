package io.cairn.coord.session;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This process's ZooKeeper session, what every store stands on: the Curator client, its
 * connection states turned into {@link SessionState}s in this one place, and the
 * {@link SessionLease} that says whether what the session showed can still be trusted. It knows
 * none of the stores.
 *
 * <p>Connected means more than Curator's word: the lease must also be current, so a process that
 * was paused past its session timeout counts as disconnected the moment it resumes, before
 * Curator's I/O thread has noticed anything. A lapse of the lease is reported to listeners as
 * {@link SessionState#SUSPENDED} and its renewal as {@link SessionState#RECONNECTED}, so every
 * holder of state derived from the session treats it as the interruption it may have been.
 */
public final class ZkSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkSession.class);
    /** How long {@link #sync} waits for the server's answer. */
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final CuratorFramework curator;
    private final String connectString;
    private final Duration sessionTimeout;
    private final Duration startTimeout;
    private final List<Consumer<SessionState>> listeners = new CopyOnWriteArrayList<>();
    /** Null until the first connection. */
    private final AtomicReference<SessionState> state = new AtomicReference<>();
    private final SessionLease lease;
    private final ScheduledExecutorService renewer;
    /** Orders the two sources of transitions (Curator's event thread, the lease renewer) for listeners. */
    private final Object transitions = new Object();

    /**
     * A session over {@code curator} (not started; this session starts and closes it).
     *
     * @param connectString  the servers, for messages
     * @param sessionTimeout the session timeout asked of the servers: the lease's renewal period before any answer
     * @param startTimeout   how long {@link #start()} waits for the first connection and the first lease
     * @param nanoClock      the lease's monotonic clock ({@link System#nanoTime}; tests move it by hand)
     */
    public ZkSession(CuratorFramework curator, String connectString, Duration sessionTimeout, Duration startTimeout,
                     LongSupplier nanoClock) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.connectString = Objects.requireNonNull(connectString, "connectString");
        this.sessionTimeout = Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
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
     * Connects, waits for the session and its first lease, then keeps the lease renewed.
     *
     * @throws CoordinationUnavailableException if no server answered within the start timeout (the session is closed)
     */
    public void start() {
        curator.start();
        boolean connected;
        try {
            connected = curator.blockUntilConnected(Math.toIntExact(startTimeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            close();
            throw new CoordinationUnavailableException("no ZooKeeper server answered at "
                    + connectString + " within " + startTimeout, null);
        }
        // Curator reports CONNECTED to listeners on its own thread, maybe after this returns
        state.compareAndSet(null, SessionState.CONNECTED);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!lease.renew()) {
            if (System.nanoTime() - deadline > 0) {
                close();
                throw new CoordinationUnavailableException("ZooKeeper at " + connectString
                        + " answered no request within " + startTimeout, null);
            }
            sleep(Duration.ofMillis(100));
        }
        renewer.schedule(this::renewLease, lease.renewalPeriod(sessionTimeout).toNanos(), TimeUnit.NANOSECONDS);
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

    /** Called, on Curator's event thread or the lease renewer, with every session state change. */
    public void addConnectionListener(Consumer<SessionState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public String connectString() {
        return connectString;
    }

    /** The Curator client, namespaced. */
    public CuratorFramework curator() {
        return curator;
    }

    /** "cannot {@code what}: not connected", for an operation refused without a session. */
    public CoordinationUnavailableException notConnected(String what) {
        return new CoordinationUnavailableException("cannot " + what + ": not connected to ZooKeeper at "
                + connectString, null);
    }

    /** "cannot {@code what}" because of {@code cause}; keeps the interrupt of an interrupted thread. */
    public CoordinationUnavailableException unavailable(String what, Exception cause) {
        if (cause instanceof InterruptedException) Thread.currentThread().interrupt();
        return new CoordinationUnavailableException("cannot " + what + " in ZooKeeper at " + connectString + ": "
                + cause, cause);
    }

    /**
     * Makes the server this session talks to catch up with every write committed before now (a
     * follower may lag the leader; ZooKeeper Programmer's Guide, "Consistency Guarantees").
     * Curator's foreground sync does not wait for the answer; this does, within a bound.
     */
    public void sync(String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        curator.sync().inBackground((client, event) -> done.complete(event.getResultCode())).forPath(path);
        int rc;
        try {
            rc = done.get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CoordinationUnavailableException("ZooKeeper sync of " + path + " did not answer within "
                    + SYNC_TIMEOUT, e);
        }
        // NONODE is fine: sync is about the server, not the node
        if (rc != Code.OK.intValue() && rc != Code.NONODE.intValue()) {
            throw KeeperException.create(Code.get(rc), path);
        }
    }

    private void renewLease() {
        try {
            lease.renew();
        } catch (RuntimeException e) {
            log.error("session lease renewal failed", e);
        }
        try {
            renewer.schedule(this::renewLease, lease.renewalPeriod(sessionTimeout).toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    private void onLeaseChange(SessionState reported) {
        synchronized (transitions) {
            if (reported == SessionState.SUSPENDED) {
                log.warn("ZooKeeper session lease lapsed ({}): counting the session as interrupted", connectString);
            } else {
                log.info("ZooKeeper session lease renewed ({})", connectString);
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
                log.warn("ZooKeeper session {} ({})", mapped, connectString);
            } else {
                log.info("ZooKeeper session {} ({})", mapped, connectString);
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

    /** Ends the session: stops the lease renewal and closes the client. */
    @Override
    public void close() {
        renewer.shutdownNow();
        curator.close();
        state.set(SessionState.SUSPENDED);
    }
}
