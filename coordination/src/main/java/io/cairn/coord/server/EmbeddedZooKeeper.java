package io.cairn.coord.server;

import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A single ZooKeeper server inside this process: the coordination service of the single-node
 * default. Its state lives under {@code dataDir} as ZooKeeper's own snapshots ({@code snap/})
 * and transaction logs ({@code log/}); every acknowledged write is in the transaction log
 * (fsync'd by ZooKeeper before it answers), so a restart on the same directory finds it again.
 *
 * <p>Uses ZooKeeper's NIO connection factory (Netty is not on the classpath for ZooKeeper).
 * {@link #close()} stops every server thread and releases the port.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    /** ZooKeeper's tick; session timeouts are negotiated in [2 ticks, MAX_SESSION_TIMEOUT_MS]. */
    private static final int TICK_MS = 500;
    private static final int MAX_SESSION_TIMEOUT_MS = 60_000;

    private final Path dataDir;
    private final InetSocketAddress address;
    private FileTxnSnapLog txnSnapLog;
    private ZooKeeperServer server;
    private ServerCnxnFactory connections;

    /** A server for {@code 127.0.0.1:port}; not started. */
    public EmbeddedZooKeeper(Path dataDir, int port) {
        this(dataDir, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** A server listening on {@code address}; not started. */
    public EmbeddedZooKeeper(Path dataDir, InetSocketAddress address) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.address = Objects.requireNonNull(address, "address");
    }

    /**
     * Loads the data under the data directory and starts serving clients.
     *
     * @throws UncheckedIOException if the directory cannot be used or the port cannot be bound
     */
    public synchronized EmbeddedZooKeeper start() {
        if (server != null) {
            throw new IllegalStateException("already started: " + connectString());
        }
        try {
            Path logDir = Files.createDirectories(dataDir.resolve("log"));
            Path snapDir = Files.createDirectories(dataDir.resolve("snap"));
            txnSnapLog = new FileTxnSnapLog(logDir.toFile(), snapDir.toFile());
            server = new ZooKeeperServer(txnSnapLog, TICK_MS, 2 * TICK_MS, MAX_SESSION_TIMEOUT_MS,
                    -1, new ZKDatabase(txnSnapLog), "");
            connections = new NIOServerCnxnFactory();
            // 0: no per-client-address connection limit (every role of the single node shares 127.0.0.1)
            connections.configure(address, 0, -1, false);
            connections.startup(server);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start ZooKeeper on " + address + " with data in " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting ZooKeeper", e);
        }
        return this;
    }

    public boolean isRunning() {
        ZooKeeperServer s = server;
        return s != null && s.isRunning();
    }

    /** {@code host:port} for clients. */
    public String connectString() {
        return address.getHostString() + ":" + port();
    }

    /** The bound port (the configured one, or the one chosen for port 0 once started). */
    public synchronized int port() {
        return connections != null ? connections.getLocalPort() : address.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Ends a client session as the server would when it times out: its ephemeral nodes go and
     * its client sees the session expire. Operators use it to evict a stuck gateway.
     */
    public void expireSession(long sessionId) {
        ZooKeeperServer s = server;
        if (s == null) throw new IllegalStateException("not running");
        s.expire(sessionId);
    }

    /** Stops serving and releases the port and the data directory; the data stays on disk. */
    @Override
    public synchronized void close() {
        // The session tracker notices shutdown only at its next tick; wait for it so none of our threads outlive close.
        Thread sessionTracker = server != null && server.getSessionTracker() instanceof Thread t ? t : null;
        if (connections != null) {
            connections.shutdown(); // also shuts the server down
            connections = null;
        }
        if (server != null) {
            server.shutdown(true);
            server = null;
        }
        if (sessionTracker != null) {
            try {
                sessionTracker.join(4L * TICK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (txnSnapLog != null) {
            try {
                txnSnapLog.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing ZooKeeper logs in " + dataDir, e);
            } finally {
                txnSnapLog = null;
            }
        }
    }
}
