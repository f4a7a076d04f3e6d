package io.cairn.coord.server;

import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedZooKeeperTest {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void dataSurvivesRestartOnTheSameDirectory() throws Exception {
        int port = freePort();
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, port).start();
             Coordination client = new Coordination(Coordination.Settings.of(zk.connectString())).start()) {
            client.curator().create().creatingParentsIfNeeded().forPath("/a/b", "kept".getBytes(StandardCharsets.UTF_8));
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, port).start();
             Coordination client = new Coordination(Coordination.Settings.of(zk.connectString())).start()) {
            assertEquals("kept", new String(client.curator().getData().forPath("/a/b"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void closeStopsEveryServerThreadAndReleasesThePort() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int port = freePort();
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, port).start();
        try (Coordination client = new Coordination(Coordination.Settings.of(zk.connectString())).start()) {
            client.curator().create().forPath("/x");
        }
        assertTrue(zk.isRunning());
        zk.close();
        assertFalse(zk.isRunning());

        Set<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .collect(Collectors.toSet());
        assertEquals(Set.of(), left, "threads left running after close");
        try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, rebound.getLocalPort());
        }
    }

    @Test
    void startingOnABusyPortFailsWithTheAddress() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, busy.getLocalPort());
            Exception e = assertThrows(RuntimeException.class, zk::start);
            assertTrue(e.getMessage().contains(String.valueOf(busy.getLocalPort())), e.getMessage());
            assertFalse(zk.isRunning());
        }
    }

    @Test
    void clientStartFailsWithTheConnectStringWhenNoServerAnswers() throws Exception {
        String nowhere = "127.0.0.1:" + freePort();
        Coordination client = new Coordination(Coordination.Settings.of(nowhere).withStartTimeout(Duration.ofSeconds(1)));
        CoordinationUnavailableException e = assertThrows(CoordinationUnavailableException.class, client::start);
        assertTrue(e.getMessage().contains(nowhere), e.getMessage());
        client.close();
    }
}
