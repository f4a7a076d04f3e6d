package io.cairn.coord.testing;

import io.cairn.coord.Coordination;
import io.cairn.coord.server.EmbeddedZooKeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real ZooKeeper server in this JVM for tests: an {@link EmbeddedZooKeeper} on a free loopback
 * port with its data in a temporary directory, {@link Coordination} clients for it, and the
 * failures tests need: stopping and restarting the server (same port, same data) and expiring a
 * client's session on the server. Closing it closes every client it handed out, the server, and
 * deletes the directory.
 *
 * <p>Other modules use it through this module's test-jar.
 */
public final class ZooKeeperHarness implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final List<Coordination> clients = new ArrayList<>();
    private EmbeddedZooKeeper server;

    private ZooKeeperHarness(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a server on a free port in a new temporary directory. */
    public static ZooKeeperHarness start() {
        try {
            ZooKeeperHarness harness = new ZooKeeperHarness(Files.createTempDirectory("cairn-zk-"), freePort());
            harness.startServer();
            return harness;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public String connectString() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    public EmbeddedZooKeeper server() {
        return server;
    }

    /** Client settings for this server: the production defaults with a short start timeout. */
    public Coordination.Settings settings() {
        return Coordination.Settings.of(connectString()).withStartTimeout(Duration.ofSeconds(10));
    }

    /** A started client in the default namespace; closed with the harness. */
    public Coordination newCoordination() {
        return newCoordination(settings());
    }

    /** A started client in its own namespace, so tests sharing the server do not see each other. */
    public Coordination newCoordination(String namespace) {
        return newCoordination(settings().withNamespace(namespace));
    }

    public Coordination newCoordination(Coordination.Settings settings) {
        Coordination coordination = new Coordination(settings).start();
        synchronized (clients) {
            clients.add(coordination);
        }
        return coordination;
    }

    /**
     * Expires the client's session on the server, as if it had timed out: the client sees
     * {@link io.cairn.coord.SessionState#LOST}, then makes a new session.
     */
    public void expireSession(Coordination coordination) {
        long sessionId;
        try {
            sessionId = coordination.curator().getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            throw new IllegalStateException("client has no session", e);
        }
        server.expireSession(sessionId);
    }

    /** Stops the server; its data stays. Clients see their connection drop. */
    public synchronized void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on the same port and data (after {@link #stopServer()}). */
    public synchronized void startServer() {
        if (server != null) throw new IllegalStateException("server is running");
        server = new EmbeddedZooKeeper(dataDir, port).start();
    }

    public void restartServer() {
        stopServer();
        startServer();
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(Coordination::close);
            clients.clear();
        }
        stopServer();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
