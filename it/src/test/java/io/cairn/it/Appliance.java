package io.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The iSCSI target under test, as a real child process: the single-node Cairn appliance
 * ({@code cairn run}) or, with {@code -Dcairn.it.target=tgt}, tgt started by {@code tgt-peer.sh} (to
 * develop the tests against a mature target). Start, graceful stop, kill -9 and restart on the same
 * data directory and port. Each instance owns a fresh data directory under {@code it/target/appliance}.
 */
public final class Appliance implements AutoCloseable {

    /** Which target the tests run against. */
    public enum Kind {
        CAIRN, TGT;

        static Kind fromSystemProperty() {
            String value = System.getProperty("cairn.it.target", "cairn").trim();
            return value.isEmpty() ? CAIRN : Kind.valueOf(value.toUpperCase());
        }
    }

    /** CHAP credentials; a secret of 12+ characters, as RFC 7143 12.1.3 asks. */
    public record Chap(String user, String secret) {
    }

    /** How to start the appliance; sizes as the launcher takes them ("256M", "1G"). */
    public record Options(String lunSize, String subunitSize, Chap chap, Chap mutualChap) {
        public static Options defaults() {
            return new Options("256M", "16M", null, null);
        }

        public Options withChap(Chap initiatorChap) {
            return new Options(lunSize, subunitSize, initiatorChap, mutualChap);
        }

        public Options withSizes(String lun, String subunit) {
            return new Options(lun, subunit, chap, mutualChap);
        }
    }

    public static final String CAIRN_IQN = "iqn.2026-11.io.cairn:default";
    private static final Pattern READY = Pattern.compile("Cairn ready: target (\\S+) portal (\\S+):(\\d+) lun (\\d+)");
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("cairn.it.startTimeoutSeconds", 120));

    private final Kind kind;
    private final Options options;
    private final Path dataDir;
    private final Path moduleDir;
    private final int port;
    private final int zkPort;
    private final StringBuffer output = new StringBuffer();
    private Process process;
    private String targetIqn;
    private int lun;
    private boolean running;

    private Appliance(Kind kind, Options options, Path moduleDir, Path dataDir, int port, int zkPort) {
        this.kind = kind;
        this.options = options;
        this.moduleDir = moduleDir;
        this.dataDir = dataDir;
        this.port = port;
        this.zkPort = zkPort;
    }

    /**
     * Starts the target chosen by {@code cairn.it.target} and waits until it serves iSCSI. Aborts the test
     * (JUnit assumption) when the Cairn distribution is not built, unless {@code -Dcairn.it.require=true}.
     */
    public static Appliance start(Options options) throws IOException {
        Kind kind = Kind.fromSystemProperty();
        Path moduleDir = moduleDir();
        if (kind == Kind.CAIRN) {
            Path launcher = cairnLauncher(moduleDir);
            String message = "Cairn distribution not built (" + launcher
                    + "): run `mvn -pl packaging -am package -DskipTests` first, or -Dcairn.it.target=tgt";
            if (Boolean.getBoolean("cairn.it.require")) {
                if (!Files.isExecutable(launcher)) {
                    fail(message);
                }
            } else {
                assumeTrue(Files.isExecutable(launcher), message);
            }
        }
        Path root = moduleDir.resolve("target/appliance");
        Files.createDirectories(root);
        Path dataDir = Files.createTempDirectory(root, kind.name().toLowerCase() + "-");
        int port = freePort(kind);
        int zkPort = kind == Kind.CAIRN ? freePort(kind) : -1;
        Appliance appliance = new Appliance(kind, options, moduleDir, dataDir, port, zkPort);
        appliance.launch();
        return appliance;
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String targetIqn() {
        return targetIqn;
    }

    public int lun() {
        return lun;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Options options() {
        return options;
    }

    /** iscsi://127.0.0.1:PORT/IQN/LUN */
    public String url() {
        return "iscsi://" + host() + ":" + port + "/" + targetIqn + "/" + lun;
    }

    /** The URL with CHAP credentials, as libiscsi and QEMU take them: iscsi://user%secret@host:port/iqn/lun */
    public String url(Chap chap) {
        return "iscsi://" + chap.user() + "%" + chap.secret() + "@" + host() + ":" + port + "/" + targetIqn + "/" + lun;
    }

    /** The launcher's output so far (Cairn) or tgtd's log (tgt), for failure messages. */
    public String output() {
        if (kind == Kind.TGT) {
            try {
                Path log = dataDir.resolve("tgtd.log");
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "(tgtd.log unreadable: " + e + ")";
            }
        }
        return output.toString();
    }

    /** True while the target process is alive (a crash during a test shows here). */
    public boolean isRunning() {
        return running && targetProcess().map(ProcessHandle::isAlive).orElse(false);
    }

    /** Graceful stop: SIGTERM for Cairn (it must exit cleanly), the control port for tgt (it ignores SIGTERM). */
    public void stop() throws IOException {
        if (!running) {
            return;
        }
        running = false;
        if (kind == Kind.TGT) {
            ExternalCommand.run(List.of(tgtPeer().toString(), "stop", Integer.toString(port)), Duration.ofSeconds(30));
            targetProcess().ifPresent(p -> awaitExit(p, Duration.ofSeconds(10)));
            return;
        }
        // Send SIGTERM to the JVM too, in case the launcher script did not exec it.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!awaitExit(process.toHandle(), Duration.ofSeconds(30))) {
            ExternalCommand.killTree(process.toHandle());
            fail("cairn did not exit within 30 s of SIGTERM; output:\n" + output());
        }
    }

    /** SIGKILL the target: nothing it acknowledged may be lost. */
    public void kill9() {
        if (!running) {
            return;
        }
        running = false;
        if (kind == Kind.TGT) {
            targetProcess().ifPresent(p -> {
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(10));
            });
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        ExternalCommand.killTree(process.toHandle());
        tree.forEach(p -> awaitExit(p, Duration.ofSeconds(10)));
        awaitExit(process.toHandle(), Duration.ofSeconds(10));
    }

    /** Starts the target again on the same data directory and port (after stop or kill9). */
    public void restart() throws IOException {
        if (running) {
            stop();
        }
        output.append("---- restart ----\n");
        launch();
    }

    /** Stops the target and deletes its data directory (kept with -Dcairn.it.keep=true). */
    @Override
    public void close() throws IOException {
        try {
            if (kind == Kind.CAIRN) {
                if (running) {
                    stop();
                }
            } else {
                kill9IfStopFails();
            }
        } finally {
            if (!Boolean.getBoolean("cairn.it.keep")) {
                deleteTree(dataDir);
            }
        }
    }

    private void kill9IfStopFails() throws IOException {
        stop();
        targetProcess().filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }

    private void launch() throws IOException {
        if (kind == Kind.TGT) {
            launchTgt();
        } else {
            launchCairn();
        }
        running = true;
    }

    private void launchCairn() throws IOException {
        List<String> command = new ArrayList<>(List.of(cairnLauncher(moduleDir).toString(), "run",
                "--data-dir", dataDir.toString(), "--iscsi-port", Integer.toString(port), "--listen", host(),
                "--zk-port", Integer.toString(zkPort), "--lun-size", options.lunSize(),
                "--subunit-size", options.subunitSize(),
                // The Prometheus endpoint defaults to the fixed port 9573: any second appliance on the
                // machine (parallel tests, other developers) would fail to start with "Address already in use".
                "--metrics", "off"));
        if (options.chap() != null) {
            command.addAll(List.of("--chap-user", options.chap().user(), "--chap-secret", options.chap().secret()));
        }
        if (options.mutualChap() != null) {
            command.addAll(List.of("--mutual-chap-user", options.mutualChap().user(),
                    "--mutual-chap-secret", options.mutualChap().secret()));
        }
        output.append("$ ").append(String.join(" ", command)).append('\n');
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CountDownLatch ready = new CountDownLatch(1);
        Process started = process;
        Thread reader = new Thread(() -> readOutput(started, ready), "cairn-output-" + port);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!ready.await(200, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    reader.join(2_000);
                    fail("cairn exited with " + process.exitValue() + " before it was ready; output:\n" + output());
                }
                if (System.nanoTime() > deadline) {
                    ExternalCommand.killTree(process.toHandle());
                    fail("cairn not ready within " + START_TIMEOUT.toSeconds() + " s; output:\n" + output());
                }
            }
        } catch (InterruptedException e) {
            ExternalCommand.killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for cairn", e);
        }
    }

    private void readOutput(Process started, CountDownLatch ready) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    targetIqn = m.group(1);
                    lun = Integer.parseInt(m.group(4));
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            output.append("(output closed: ").append(e).append(")\n");
        }
    }

    private void launchTgt() throws IOException {
        long mib = parseSize(options.lunSize()) >> 20;
        ExternalCommand.Result r = ExternalCommand.run(List.of(tgtPeer().toString(), "start",
                Integer.toString(port), Long.toString(mib), dataDir.toString()), Duration.ofSeconds(60));
        if (!r.succeeded()) {
            fail("tgt-peer.sh start failed: " + r.describe() + "\n" + output());
        }
        String[] lines = r.output().strip().split("\n");
        Matcher m = Pattern.compile("iscsi://[^/]+/([^/]+)/(\\d+)").matcher(lines[lines.length - 1]);
        if (!m.find()) {
            fail("tgt-peer.sh printed no URL: " + r.describe());
        }
        targetIqn = m.group(1);
        lun = Integer.parseInt(m.group(2));
        // tgt offers only HeaderDigest/DataDigest=None unless told: offer CRC32C too, so the digest tests run.
        tgtadm("--op", "update", "--mode", "target", "--tid", "1", "--name", "HeaderDigest", "--value", "CRC32C,None");
        tgtadm("--op", "update", "--mode", "target", "--tid", "1", "--name", "DataDigest", "--value", "CRC32C,None");
        if (options.chap() != null) {
            // tgt-peer.sh has no CHAP option: add an account to target 1 through tgtd's control port.
            tgtadm("--op", "new", "--mode", "account", "--user", options.chap().user(),
                    "--password", options.chap().secret());
            tgtadm("--op", "bind", "--mode", "account", "--tid", "1", "--user", options.chap().user());
        }
    }

    private void tgtadm(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(tgtControlPort(port)),
                "--lld", "iscsi"));
        command.addAll(List.of(args));
        ExternalCommand.Result r = ExternalCommand.run(command, Duration.ofSeconds(30));
        if (!r.succeeded()) {
            fail("tgtadm failed: " + r.describe());
        }
    }

    /** tgt-peer.sh derives tgtd's control port index from the portal port this way. */
    private static int tgtControlPort(int portalPort) {
        return portalPort % 1000 + 20;
    }

    private java.util.Optional<ProcessHandle> targetProcess() {
        if (kind == Kind.CAIRN) {
            return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
        }
        try {
            Path pidFile = dataDir.resolve("tgtd.pid");
            if (!Files.exists(pidFile)) {
                return java.util.Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable tgtd.pid in " + dataDir, e);
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Parses "256M", "1G", "4096" into bytes. */
    static long parseSize(String size) {
        String s = size.trim().toUpperCase();
        char unit = s.charAt(s.length() - 1);
        long factor = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        String digits = factor == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits) * factor;
    }

    /** The it module's directory: surefire runs tests there ({@code basedir}). */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    static Path cairnLauncher(Path moduleDir) {
        String override = System.getProperty("cairn.it.launcher");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return moduleDir.resolveSibling("packaging").resolve("target/cairn/bin/cairn");
    }

    /** The repository's scripts/tgt-peer.sh. */
    static Path tgtPeer() {
        Path script = moduleDir().getParent().resolve("scripts/tgt-peer.sh");
        assumeTrue(Files.isExecutable(script), "cairn.it.target=tgt needs " + script);
        return script;
    }

    /**
     * A loopback port nobody listens on. For tgt the derived control port index must be unused too, as
     * other tgtd's (benchmarks of other developers) may run on this machine.
     */
    private static int freePort(Kind kind) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (kind == Kind.TGT && Files.exists(Path.of("/var/run/tgtd/socket." + tgtControlPort(candidate)))) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException busy) {
                // taken: try another
            }
        }
        throw new IOException("no free port found");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
