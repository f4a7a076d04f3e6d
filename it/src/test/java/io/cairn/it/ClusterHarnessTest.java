package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster harness's own process handling, without the distributed binaries: against a scripted launcher
 * that follows the CLI contract (ready lines, --json output among log lines), and {@link RoleProcess}
 * against the real single-node {@code cairn run}.
 */
class ClusterHarnessTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void startsEveryRoleKillsRestartsAndStopsStores(@TempDir Path dir) throws IOException {
        Path launcher = scriptedLauncher(dir);
        Path state = dir.resolve("state");
        Cluster cluster = Cluster.start(Cluster.Options.defaults(), launcher);
        try {
            assertEquals("iqn.2026-11.io.cairn:it", cluster.targetIqn());
            assertEquals("iscsi://127.0.0.1:" + cluster.gatewayPort(0) + "/iqn.2026-11.io.cairn:it/0", cluster.url());
            assertTrue(cluster.allRunningExcept(Set.of()), cluster.output());

            LunStatus status = cluster.status();
            assertEquals("it", status.lun());
            assertEquals(0, status.degraded());
            assertEquals(Set.of(1, 2, 3), status.nodesHoldingReplicas());
            assertEquals(Set.of(0), status.subUnitsOn(1));
            assertEquals(Set.of(1), status.primaryOn(3));
            assertEquals(17, status.resyncs().get(0).blocksCopied());
            assertTrue(status.fullyReplicated(2));

            String firstStart = Files.readString(state.resolve("store-2.starts"));
            cluster.kill9Store(2);
            assertFalse(cluster.isStoreRunning(2));
            assertFalse(cluster.allRunningExcept(Set.of()));
            assertTrue(cluster.allRunningExcept(Set.of(2)));
            assertEquals(1, cluster.awaitStatus("store 2 down", s -> s.degraded() == 1, Duration.ofSeconds(30)).degraded());
            LunVerification broken = cluster.verify();
            assertEquals(1, broken.exitCode(), broken.output());
            assertFalse(broken.identical());

            cluster.restartStore(2);
            assertTrue(cluster.isStoreRunning(2));
            // Same data directory and block port as the first start.
            assertEquals(firstStart + firstStart, Files.readString(state.resolve("store-2.starts")));
            assertEquals(0, cluster.awaitStatus("store 2 back", s -> s.degraded() == 0, Duration.ofSeconds(30)).degraded());
            LunVerification ok = cluster.verify();
            assertTrue(ok.identical(), ok.output());

            AssertionFailedError timeout = assertThrows(AssertionFailedError.class,
                    () -> cluster.awaitStatus("never", s -> s.degraded() == 3, Duration.ofSeconds(1)));
            assertTrue(timeout.getMessage().contains("last status: LunStatus[lun=it"), timeout.getMessage());
            assertTrue(timeout.getMessage().contains("==== store-3 ===="), timeout.getMessage());

            cluster.stopStore(3);
            assertFalse(cluster.isStoreRunning(3));
            int second = cluster.addGateway();
            assertNotEquals(cluster.gatewayPort(0), cluster.gatewayPort(second));
            assertEquals(2, Files.readAllLines(state.resolve("gateways")).size());
        } finally {
            cluster.close();
        }
        for (String role : List.of("zookeeper", "store-1", "store-2", "store-3")) {
            long pid = Long.parseLong(Files.readString(state.resolve(role)).split(" ")[0]);
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), role + " still running");
        }
    }

    @Test
    void aLauncherWithoutTheStoreRoleSkipsTheTest(@TempDir Path dir) throws IOException {
        Path launcher = dir.resolve("cairn");
        Files.writeString(launcher, "#!/bin/sh\necho 'Usage: cairn [-hV] [COMMAND]'\n");
        launcher.toFile().setExecutable(true);
        assumeTrue(!Boolean.getBoolean("cairn.it.require"), "with cairn.it.require the probe fails instead");
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> Cluster.start(Cluster.Options.defaults(), launcher));
        assertTrue(skipped.getMessage().contains("no distributed mode"), skipped.getMessage());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void roleProcessStartsKillsAndRestartsTheSingleNodeAppliance(@TempDir Path dir) throws IOException {
        Path launcher = Appliance.cairnLauncher(Appliance.moduleDir());
        assumeTrue(Files.isExecutable(launcher), "Cairn distribution not built (" + launcher + ")");
        int port = ephemeralPort();
        int zkPort = ephemeralPort();
        RoleProcess run = new RoleProcess("cairn-run", List.of(launcher.toString(), "run", "--data-dir", dir.toString(),
                "--iscsi-port", Integer.toString(port), "--listen", "127.0.0.1", "--zk-port", Integer.toString(zkPort),
                "--lun-size", "64M", "--subunit-size", "16M", "--metrics", "off"), Map.of(),
                Pattern.compile("Cairn ready: target (\\S+) portal (\\S+):(\\d+) lun (\\d+)"));
        try {
            run.start(Duration.ofMinutes(2));
            assertEquals(Integer.toString(port), run.readyMatch().group(3));
            assertTrue(run.isAlive());
            run.kill9();
            assertFalse(run.isAlive());
            run.start(Duration.ofMinutes(2));
            assertEquals(Integer.toString(port), run.readyMatch().group(3), "restart on the same port");
            assertTrue(run.stop(Duration.ofSeconds(30)), "cairn run exits on SIGTERM\n" + run.output());
            assertFalse(run.isAlive());
            assertEquals(2, Pattern.compile("Cairn ready:").matcher(run.output()).results().count(), run.output());
            assertTrue(run.output().contains("---- killed (SIGKILL) ----"), run.output());
        } finally {
            run.kill9();
        }
    }

    private static int ephemeralPort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** The scripted launcher, copied where its state directory may live. */
    private static Path scriptedLauncher(Path dir) throws IOException {
        Path launcher = dir.resolve("cairn");
        try (InputStream in = ClusterHarnessTest.class.getResourceAsStream("/scripted-cairn.sh")) {
            Files.copy(in, launcher);
        }
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }
}
