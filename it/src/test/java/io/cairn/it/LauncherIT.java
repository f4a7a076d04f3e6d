package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's scheduling policy (README "Configuration"): what a started process runs under, and bad values. */
class LauncherIT {
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_BATCH = 3;

    @TempDir
    Path dir;

    @Test
    void processesRunUnderSchedBatchByDefault() throws Exception {
        assertEquals(SCHED_BATCH, policyOfStartedProcess(Map.of()));
    }

    @Test
    void schedPolicyOtherLeavesTheDefaultPolicy() throws Exception {
        assertEquals(SCHED_OTHER, policyOfStartedProcess(Map.of("CAIRN_SCHED_POLICY", "other")));
    }

    @Test
    void anUnknownSchedPolicyIsRefusedWithItsName() throws IOException {
        ExternalCommand.Result r = ExternalCommand.run(List.of(launcher().toString(), "--version"),
                Duration.ofSeconds(60), null, null, Map.of("CAIRN_SCHED_POLICY", "fifo"));
        assertEquals(2, r.exitCode(), r::describe);
        assertTrue(r.output().contains("CAIRN_SCHED_POLICY must be 'batch' or 'other', not 'fifo'"), r::describe);
    }

    /** Starts `cairn zookeeper` (the lightest role that stays up), reads its policy from /proc, stops it. */
    private int policyOfStartedProcess(Map<String, String> environment) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "zookeeper",
                "--data-dir", dir.resolve("zk").toString(), "--zk-port", Integer.toString(port))
                .redirectErrorStream(true);
        builder.environment().remove("CAIRN_SCHED_POLICY"); // the default unless the test sets one
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            StringBuilder output = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.contains("ZooKeeper ready:")) {
                        // The launcher execs chrt, which execs java: the started pid is the JVM's.
                        return policy(process.pid());
                    }
                }
            }
            throw new AssertionError("zookeeper role exited before it was ready:\n" + output);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Field 41 of /proc/PID/stat (proc(5)); fields are counted after the parenthesised command name. */
    private static int policy(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[41 - 3]);
    }

    private static Path launcher() {
        assumeTrue(Appliance.Kind.fromSystemProperty() == Appliance.Kind.CAIRN, "Cairn's own launcher");
        Path launcher = Appliance.cairnLauncher(Appliance.moduleDir());
        String missing = "Cairn distribution not built: " + launcher;
        if (Boolean.getBoolean("cairn.it.require")) {
            assertTrue(Files.isExecutable(launcher), missing);
        } else {
            assumeTrue(Files.isExecutable(launcher), missing);
        }
        return launcher;
    }
}
