package io.cairn.testkit.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Real ZooKeeper servers in this JVM for tests: one server, or an ensemble of several (a quorum that
 * survives the loss of a minority), on free loopback ports with their data in a temporary directory.
 * It offers the failures tests need: stopping and restarting a server (same port, same data) and
 * expiring a client's session on the servers. Closing it closes whatever was handed to
 * {@link #closeWithHarness}, the servers, and deletes the directory.
 *
 * <p>It knows nothing of Cairn's client ({@code coordination}): it hands out a connect string, so the
 * tests of the coordination module itself can use it.
 */
public final class ZooKeeperHarness implements AutoCloseable {

    private static final int TICK_MS = 500;
    private static final long START_TIMEOUT_MS = 30_000;

    private final Path root;
    private final List<Member> members;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** One server of the harness: its ports, its data, and the running instance or null. */
    private static final class Member {
        final int id;
        final int clientPort;
        final int quorumPort;
        final int electionPort;
        final Path dir;
        ZooKeeperServerEmbedded running;

        Member(int id, Path dir) throws IOException {
            this.id = id;
            this.dir = dir;
            this.clientPort = freePort();
            this.quorumPort = freePort();
            this.electionPort = freePort();
        }
    }

    private ZooKeeperHarness(Path root, int servers) throws IOException {
        this.root = root;
        List<Member> all = new ArrayList<>();
        for (int i = 1; i <= servers; i++) {
            all.add(new Member(i, Files.createDirectories(root.resolve("server-" + i))));
        }
        this.members = List.copyOf(all);
    }

    /** Starts one server on a free port in a new temporary directory. */
    public static ZooKeeperHarness start() {
        return startEnsemble(1);
    }

    /** Starts an ensemble of {@code servers} servers (1 for a standalone server) and waits for its quorum. */
    public static ZooKeeperHarness startEnsemble(int servers) {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1");
        }
        ZooKeeperHarness harness;
        try {
            harness = new ZooKeeperHarness(Files.createTempDirectory("cairn-zk-"), servers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // An ensemble member waits for a quorum before it serves: start them all, then wait.
            for (int i = 1; i <= servers; i++) {
                harness.launch(harness.members.get(i - 1));
            }
            for (Member m : harness.members) {
                harness.awaitServing(m);
            }
        } catch (RuntimeException e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String loopback() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    /** Number of servers. */
    public int size() {
        return members.size();
    }

    /** {@code host:port[,host:port...]} of every server. */
    public String connectString() {
        return members.stream().map(m -> loopback() + ":" + m.clientPort).collect(Collectors.joining(","));
    }

    /** {@code host:port} of server {@code id} (1-based). */
    public String connectString(int id) {
        return loopback() + ":" + member(id).clientPort;
    }

    private Member member(int id) {
        if (id < 1 || id > members.size()) {
            throw new IllegalArgumentException("no server " + id + " of " + members.size());
        }
        return members.get(id - 1);
    }

    private Properties config(Member m) {
        Properties p = new Properties();
        p.setProperty("tickTime", Integer.toString(TICK_MS));
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", m.dir.resolve("data").toAbsolutePath().toString());
        p.setProperty("clientPort", Integer.toString(m.clientPort));
        p.setProperty("clientPortAddress", loopback());
        p.setProperty("maxSessionTimeout", "60000");
        p.setProperty("maxClientCnxns", "0"); // every client of a test shares one address
        p.setProperty("admin.enableServer", "false"); // no HTTP admin server on port 8080
        p.setProperty("4lw.commands.whitelist", "srvr,ruok");
        if (members.size() > 1) {
            for (Member other : members) {
                p.setProperty("server." + other.id,
                        loopback() + ":" + other.quorumPort + ":" + other.electionPort);
            }
        }
        return p;
    }

    private void launch(Member m) {
        try {
            Path data = Files.createDirectories(m.dir.resolve("data"));
            if (members.size() > 1) {
                Files.writeString(data.resolve("myid"), Integer.toString(m.id));
            }
            m.running = ZooKeeperServerEmbedded.builder()
                    .baseDir(m.dir)
                    .configuration(config(m))
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            m.running.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ZooKeeper server " + m.id + " on port " + m.clientPort, e);
        }
    }

    /** Waits until the server answers a client: an ensemble member does once it has joined a quorum. */
    private void awaitServing(Member m) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (answers(loopback() + ":" + m.clientPort)) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("ZooKeeper server " + m.id + " did not serve within " + START_TIMEOUT_MS + " ms");
    }

    private static boolean answers(String connect) {
        CountDownLatch connected = new CountDownLatch(1);
        try {
            ZooKeeper probe = new ZooKeeper(connect, 4 * TICK_MS, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                return connected.await(2, TimeUnit.SECONDS) && probe.exists("/", false) != null;
            } finally {
                probe.close();
            }
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Expires the session of {@code client} on the servers, as if it had timed out: its ephemeral
     * nodes go at once, and the client sees its session expire at its next contact. Done as a
     * second client on the same session that closes it, which the servers treat as the session's end.
     */
    public void expireSession(ZooKeeper client) {
        long sessionId = client.getSessionId();
        byte[] password = client.getSessionPasswd();
        CountDownLatch connected = new CountDownLatch(1);
        try {
            ZooKeeper twin = new ZooKeeper(connectString(), 4 * TICK_MS, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, sessionId, password);
            try {
                if (!connected.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("could not attach to session 0x" + Long.toHexString(sessionId));
                }
            } finally {
                twin.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True while server {@code id} runs. */
    public synchronized boolean isRunning(int id) {
        return member(id).running != null;
    }

    /** Stops server {@code id}; its data stays. Its clients see their connection drop. */
    public synchronized void stopServer(int id) {
        Member m = member(id);
        if (m.running != null) {
            m.running.close();
            m.running = null;
        }
    }

    /** Starts server {@code id} again on the same ports and data, and waits until it serves. */
    public synchronized void startServer(int id) {
        Member m = member(id);
        if (m.running != null) {
            throw new IllegalStateException("server " + id + " is running");
        }
        launch(m);
        awaitServing(m);
    }

    /** Stops every server. */
    public synchronized void stopServer() {
        for (Member m : members) {
            stopServer(m.id);
        }
    }

    /** Starts every stopped server and waits until all serve. */
    public synchronized void startServer() {
        for (Member m : members) {
            if (m.running == null) {
                launch(m);
            }
        }
        for (Member m : members) {
            awaitServing(m);
        }
    }

    public void restartServer() {
        stopServer();
        startServer();
    }

    /** Closes {@code resource} when the harness closes (before the servers stop); returns it. */
    public <T extends AutoCloseable> T closeWithHarness(T resource) {
        synchronized (closeables) {
            closeables.add(resource);
        }
        return resource;
    }

    @Override
    public void close() {
        synchronized (closeables) {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                try {
                    closeables.get(i).close();
                } catch (Exception e) {
                    // a test's client that fails to close must not keep the servers running
                }
            }
            closeables.clear();
        }
        stopServer();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
