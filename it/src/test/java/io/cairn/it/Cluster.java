package io.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A distributed Cairn on loopback, every role its own process of the one launcher: {@code cairn zookeeper},
 * N {@code cairn store} (node ids 1..N, one site, each with its own data directory and block port), one or
 * more {@code cairn gateway} (the control plane runs in them), and one LUN made by {@code cairn lun create}.
 * Stores can be killed (-9), stopped (SIGTERM) and restarted on the same data directory and port; the LUN's
 * state is read with {@code cairn lun status --json} and checked with {@code cairn lun verify --json}.
 * <p>
 * Skips the test (JUnit assumption) when the distribution is not built or has no distributed mode
 * ({@code cairn store --help} fails), unless {@code -Dcairn.it.require=true}: then it fails.
 */
final class Cluster implements AutoCloseable {

    /** The cluster's shape; durations and sizes as the launcher takes them ("4s", "256M"). */
    record Options(int stores, String site, String lunId, String lunSize, String subunitSize, int copies,
                   String zkSessionTimeout, String nodeGoneTimeout) {
        /** 3 stores in site tokyo; LUN "it" of 256M in 16M sub-units with 2 copies; ZooKeeper session 4 s; node gone after 15 s. */
        static Options defaults() {
            return new Options(3, "tokyo", "it", "256M", "16M", 2, "4s", "15s");
        }

        Options withLun(String id, String size, String subunit) {
            return new Options(stores, site, id, size, subunit, copies, zkSessionTimeout, nodeGoneTimeout);
        }
    }

    private static final String HOST = "127.0.0.1";
    private static final Pattern ZK_READY = Pattern.compile("ZooKeeper ready: (\\S+):(\\d+)");
    private static final Pattern STORE_READY = Pattern.compile("Store ready: node (\\d+) site (\\S+) at (\\S+):(\\d+)");
    private static final Pattern GATEWAY_READY = Pattern.compile("Gateway ready: portal (\\S+):(\\d+)");
    private static final Pattern LUN_CREATED = Pattern.compile("LUN (\\S+) created: target (\\S+)");
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("cairn.it.startTimeoutSeconds", 120));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    /**
     * Six JVMs share a small machine: smaller heaps than the launcher's default (-Xms256m -Xmx2g) unless the
     * caller sets CAIRN_JAVA_OPTS or -Dcairn.it.clusterJavaOpts. CLI commands (lun status, verify) run often:
     * C1 only, for a faster start.
     */
    private static final String ROLE_JAVA_OPTS = System.getProperty("cairn.it.clusterJavaOpts",
            System.getenv().getOrDefault("CAIRN_JAVA_OPTS",
                    "-Xms64m -Xmx1g -XX:MaxDirectMemorySize=1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"));
    private static final String CLI_JAVA_OPTS = "-Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** Memo of the distributed-mode probe: one JVM start per test run, not per test. */
    private static final Map<Path, ExternalCommand.Result> STORE_HELP = new java.util.concurrent.ConcurrentHashMap<>();

    private final Options options;
    private final Path launcher;
    private final Path root;
    private final Set<Integer> usedPorts = new HashSet<>();
    private final int zkPort;
    private RoleProcess zookeeper;
    private final Map<Integer, RoleProcess> stores = new LinkedHashMap<>();
    private final Map<Integer, Integer> storePorts = new LinkedHashMap<>();
    private final List<RoleProcess> gateways = new ArrayList<>();
    private final List<Integer> gatewayPorts = new ArrayList<>();
    private String targetIqn;

    private Cluster(Options options, Path launcher, Path root) throws IOException {
        this.options = options;
        this.launcher = launcher;
        this.root = root;
        this.zkPort = freePort();
    }

    /** Starts ZooKeeper, the stores, one gateway, and creates the LUN; on any failure stops what it started. */
    static Cluster start(Options options) throws IOException {
        return start(options, Appliance.cairnLauncher(Appliance.moduleDir()));
    }

    /** As {@link #start(Options)} with another launcher (the harness's own test uses a scripted one). */
    static Cluster start(Options options, Path launcherPath) throws IOException {
        Path moduleDir = Appliance.moduleDir();
        Path launcher = requireDistributedMode(launcherPath);
        Path parent = moduleDir.resolve("target/cluster");
        Files.createDirectories(parent);
        Cluster cluster = new Cluster(options, launcher, Files.createTempDirectory(parent, "cluster-"));
        try {
            cluster.startZookeeper();
            for (int node = 1; node <= options.stores(); node++) {
                cluster.startStore(node);
            }
            cluster.addGateway();
            cluster.createLun();
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (IOException | RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The launcher, once it is known to have the distributed roles; otherwise aborts (assumption) or fails
     * (-Dcairn.it.require=true) with a message saying what is missing.
     */
    static Path requireDistributedMode(Path launcher) throws IOException {
        boolean require = Boolean.getBoolean("cairn.it.require");
        if (!Files.isExecutable(launcher)) {
            skipOrFail(require, "Cairn distribution not built (" + launcher
                    + "): run `mvn -q -o package -pl packaging -am -DskipTests` first");
        }
        ExternalCommand.Result help = STORE_HELP.get(launcher);
        if (help == null) {
            help = ExternalCommand.run(List.of(launcher.toString(), "store", "--help"), COMMAND_TIMEOUT);
            STORE_HELP.put(launcher, help);
        }
        // Picocli answers an unknown subcommand followed by --help with the top-level usage and exit 0:
        // only the store's own usage (its --block-port option) proves the role exists.
        if (!help.succeeded() || !help.output().contains("--block-port")) {
            skipOrFail(require, "this Cairn distribution has no distributed mode (`cairn store --help` does not"
                    + " show the store's usage): " + help.describe());
        }
        return launcher;
    }

    private static void skipOrFail(boolean require, String message) {
        if (require) {
            fail(message);
        }
        assumeTrue(false, message);
    }

    Options options() {
        return options;
    }

    String host() {
        return HOST;
    }

    String zkConnect() {
        return HOST + ":" + zkPort;
    }

    String targetIqn() {
        return targetIqn;
    }

    /** The LUN is LUN 0 of its target on every gateway. */
    int lun() {
        return 0;
    }

    /** The --gateway-id of gateway index {@code gateway}: its portal group tag and relative target port id. */
    static int gatewayId(int gateway) {
        return gateway + 1;
    }

    int gateways() {
        return gateways.size();
    }

    int gatewayPort(int gateway) {
        return gatewayPorts.get(gateway);
    }

    /** iscsi://127.0.0.1:PORT/IQN/0 of the first gateway. */
    String url() {
        return url(0);
    }

    String url(int gateway) {
        return "iscsi://" + HOST + ":" + gatewayPort(gateway) + "/" + targetIqn + "/" + lun();
    }

    /**
     * Starts one more gateway (the control plane's leadership stays wherever it is); returns its index. Gateway
     * index i runs with {@code --gateway-id i+1}: each gateway is its own target port group and relative target
     * port (architecture.md "One LUN, many sub-units": only the target port identifiers and group differ per gateway), so two gateways never present the
     * same I_T nexus for one initiator port.
     */
    int addGateway() throws IOException {
        int port = freePort();
        List<String> command = command("gateway", "--zk-connect", zkConnect(), "--listen", HOST,
                "--iscsi-port", Integer.toString(port), "--gateway-id", Integer.toString(gatewayId(gateways.size())),
                "--zk-session-timeout", options.zkSessionTimeout(),
                "--node-gone-timeout", options.nodeGoneTimeout(),
                // a fixed default metrics port would collide with any other Cairn on this machine
                "--metrics", "off");
        RoleProcess gateway = new RoleProcess("gateway-" + gateways.size(), command, roleEnvironment(), GATEWAY_READY);
        gateways.add(gateway);
        gatewayPorts.add(port);
        gateway.start(START_TIMEOUT);
        return gateways.size() - 1;
    }

    /** SIGKILL gateway index {@code gateway} (a failed portal for multipath); it stays down. */
    void kill9Gateway(int gateway) {
        gateways.get(gateway).kill9();
    }

    /** SIGTERM gateway {@code gateway}, then start it again with the same id and port; waits for its ready line. */
    void restartGateway(int gateway) throws IOException {
        stopOrFail(gateways.get(gateway));
        gateways.get(gateway).start(START_TIMEOUT);
    }

    /**
     * A power cycle of the whole cluster: SIGTERM every gateway, store and ZooKeeper (in that order, as
     * {@link #close}), then start ZooKeeper, the stores and the gateways again on the same data directories
     * and ports; waits for every ready line.
     */
    void restartAll() throws IOException {
        List<RoleProcess> order = new ArrayList<>(gateways);
        order.addAll(stores.values());
        order.add(zookeeper);
        for (RoleProcess p : order) {
            stopOrFail(p);
        }
        zookeeper.start(START_TIMEOUT);
        for (RoleProcess store : stores.values()) {
            store.start(START_TIMEOUT);
        }
        for (RoleProcess gateway : gateways) {
            gateway.start(START_TIMEOUT);
        }
    }

    /** SIGTERM gateway index {@code gateway} and wait for its exit (failing if it does not exit). */
    void stopGateway(int gateway) {
        stopOrFail(gateways.get(gateway));
    }

    private static void stopOrFail(RoleProcess p) {
        if (!p.stop(STOP_TIMEOUT)) {
            fail(p.name() + " did not exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM; output:\n"
                    + p.outputTail(20_000));
        }
    }

    /** SIGSTOP gateway index {@code gateway} (and SIGCONT with {@link #resumeGateway}): a process pause. */
    void pauseGateway(int gateway) throws IOException {
        gateways.get(gateway).pause();
    }

    void resumeGateway(int gateway) throws IOException {
        gateways.get(gateway).resume();
    }

    /** SIGSTOP the ZooKeeper server (and SIGCONT with {@link #resumeZookeeper}): every session hears nothing. */
    void pauseZookeeper() throws IOException {
        zookeeper.pause();
    }

    void resumeZookeeper() throws IOException {
        zookeeper.resume();
    }

    /** SIGKILL store {@code node}; it stays down until {@link #restartStore}. */
    void kill9Store(int node) {
        store(node).kill9();
    }

    /** SIGTERM store {@code node} and wait for its exit (failing if it does not exit). */
    void stopStore(int node) {
        RoleProcess store = store(node);
        if (!store.stop(STOP_TIMEOUT)) {
            fail(store.name() + " did not exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM; output:\n"
                    + store.outputTail(20_000));
        }
    }

    /** Starts store {@code node} again on its data directory and block port; waits for its ready line. */
    void restartStore(int node) throws IOException {
        store(node).start(START_TIMEOUT);
    }

    /** Store {@code node}'s block port (the same across restarts). */
    int storePort(int node) {
        store(node);
        return storePorts.get(node);
    }

    boolean isStoreRunning(int node) {
        return store(node).isAlive();
    }

    /** True when ZooKeeper, every gateway and every store not in {@code down} are alive (a crash shows here). */
    boolean allRunningExcept(Set<Integer> down) {
        return zookeeper.isAlive() && gateways.stream().allMatch(RoleProcess::isAlive)
                && stores.entrySet().stream().allMatch(e -> down.contains(e.getKey()) || e.getValue().isAlive());
    }

    /** {@code cairn lun status --json}, parsed; fails the test when the command fails. */
    LunStatus status() throws IOException {
        ExternalCommand.Result r = cli("lun", "status", "--zk-connect", zkConnect(), "--id", options.lunId(), "--json");
        if (!r.succeeded()) {
            fail("lun status failed: " + r.describe());
        }
        String json = jsonObjectIn(r.output());
        if (json == null) {
            fail("lun status printed no JSON object: " + r.describe());
        }
        return LunStatus.parse(json);
    }

    /** {@code cairn lun verify --json}: its exit code, report and output. */
    LunVerification verify() throws IOException {
        ExternalCommand.Result r = cli("lun", "verify", "--zk-connect", zkConnect(), "--id", options.lunId(), "--json");
        return LunVerification.of(r.timedOut() ? -1 : r.exitCode(), r.describe());
    }

    /**
     * Polls {@link #status()} every half second until {@code condition} holds and returns that status; fails
     * after {@code timeout} with the last status (or the last error of the status command) and the processes'
     * output. A status command that fails meanwhile (leader election, ZooKeeper reconnecting) is retried.
     */
    LunStatus awaitStatus(String what, Predicate<LunStatus> condition, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "(no status yet)";
        while (true) {
            try {
                LunStatus status = status();
                if (condition.test(status)) {
                    return status;
                }
                last = status;
            } catch (AssertionError | IOException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout.toSeconds() + " s: " + what + "\nlast status: " + last
                        + "\n" + output());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for: " + what, e);
            }
        }
    }

    /** The tail of every process's output, for failure messages. */
    String output() {
        StringBuilder sb = new StringBuilder();
        List<RoleProcess> all = new ArrayList<>();
        if (zookeeper != null) {
            all.add(zookeeper);
        }
        all.addAll(stores.values());
        all.addAll(gateways);
        for (RoleProcess p : all) {
            sb.append("==== ").append(p.name()).append(p.isAlive() ? "" : " (not running)").append(" ====\n")
                    .append(p.outputTail(4_000));
        }
        return sb.toString();
    }

    /**
     * Stops gateways, stores and ZooKeeper, in that order, with SIGTERM; deletes the cluster's directory unless
     * -Dcairn.it.keep=true. Fails, after stopping everything, when a process did not exit on SIGTERM.
     */
    @Override
    public void close() throws IOException {
        List<String> hung = new ArrayList<>();
        List<RoleProcess> order = new ArrayList<>(gateways);
        order.addAll(stores.values());
        if (zookeeper != null) {
            order.add(zookeeper);
        }
        for (RoleProcess p : order) {
            if (!p.stop(STOP_TIMEOUT)) {
                hung.add(p.name() + ":\n" + p.outputTail(8_000));
            }
        }
        if (!Boolean.getBoolean("cairn.it.keep")) {
            deleteTree(root);
        }
        if (!hung.isEmpty()) {
            fail("did not exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM: " + String.join("\n", hung));
        }
    }

    /** The first '{' to the last '}' of {@code output}: the JSON object a --json command prints among log lines. */
    static String jsonObjectIn(String output) {
        int open = output.indexOf('{');
        int close = output.lastIndexOf('}');
        return open >= 0 && close > open ? output.substring(open, close + 1) : null;
    }

    private void startZookeeper() throws IOException {
        Path dir = Files.createDirectories(root.resolve("zookeeper"));
        zookeeper = new RoleProcess("zookeeper", command("zookeeper", "--data-dir", dir.toString(),
                "--zk-port", Integer.toString(zkPort)), roleEnvironment(), ZK_READY);
        zookeeper.start(START_TIMEOUT);
    }

    /**
     * Starts store {@code node} (a new id) in {@code site}, after the cluster started: a store of another site
     * receives DR copies of the LUN (its ship port is announced), a store of the LUN's site takes local copies.
     */
    void addStore(int node, String site) throws IOException {
        if (stores.containsKey(node)) {
            throw new IllegalArgumentException("store " + node + " exists");
        }
        startStore(node, site);
    }

    private void startStore(int node) throws IOException {
        startStore(node, options.site());
    }

    private void startStore(int node, String site) throws IOException {
        Path dir = Files.createDirectories(root.resolve("store-" + node));
        int port = freePort();
        List<String> command = command("store", "--zk-connect", zkConnect(), "--node-id", Integer.toString(node),
                "--site", site, "--data-dir", dir.toString(), "--listen", HOST,
                "--block-port", Integer.toString(port), "--ship-port", Integer.toString(freePort()),
                "--zk-session-timeout", options.zkSessionTimeout());
        RoleProcess store = new RoleProcess("store-" + node, command, roleEnvironment(), STORE_READY);
        stores.put(node, store);
        storePorts.put(node, port);
        store.start(START_TIMEOUT);
        Matcher ready = store.readyMatch();
        if (Integer.parseInt(ready.group(1)) != node || Integer.parseInt(ready.group(4)) != port) {
            fail(store.name() + " announced another node or port: " + ready.group() + "\n" + store.output());
        }
    }

    private void createLun() throws IOException {
        ExternalCommand.Result r = cli("lun", "create", "--zk-connect", zkConnect(), "--id", options.lunId(),
                "--size", options.lunSize(), "--subunit-size", options.subunitSize(),
                "--copies", Integer.toString(options.copies()));
        if (!r.succeeded()) {
            fail("lun create failed: " + r.describe() + "\n" + output());
        }
        Matcher m = LUN_CREATED.matcher(r.output());
        if (!m.find() || !m.group(1).equals(options.lunId())) {
            fail("lun create did not print `LUN " + options.lunId() + " created: target IQN`: " + r.describe());
        }
        targetIqn = m.group(2);
    }

    private RoleProcess store(int node) {
        RoleProcess store = stores.get(node);
        if (store == null) {
            throw new IllegalArgumentException("no store " + node + " (stores " + stores.keySet() + ")");
        }
        return store;
    }

    private List<String> command(String role, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.add(role);
        command.addAll(List.of(args));
        return command;
    }

    private ExternalCommand.Result cli(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return ExternalCommand.run(command, COMMAND_TIMEOUT, null, null, Map.of("CAIRN_JAVA_OPTS", CLI_JAVA_OPTS));
    }

    private static Map<String, String> roleEnvironment() {
        return Map.of("CAIRN_JAVA_OPTS", ROLE_JAVA_OPTS);
    }

    /** A loopback port nobody listens on and this cluster has not handed out (restarts reuse their port). */
    private int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (usedPorts.contains(candidate)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                usedPorts.add(candidate);
                return candidate;
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
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
