package io.cairn.appliance;

import io.cairn.coord.lun.Durability;
import io.cairn.lun.lifecycle.LunSpec;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The `cairn` command. */
@Command(name = "cairn", mixinStandardHelpOptions = true, version = "cairn 0.1.0",
        description = "Cairn: an iSCSI target for distributed LUNs.",
        subcommands = {Main.Run.class, ZooKeeperCommand.class, StoreCommand.class, GatewayCommand.class, LunCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(configFileDefaults(args));
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** `cairn run`: the appliance in one process (every role). */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the appliance: embedded ZooKeeper (unless --zk-connect), store and iSCSI gateway.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", description = "Properties file with option values (key = long option name without dashes).")
        Path configFile;
        @Option(names = "--data-dir", defaultValue = ApplianceConfig.DEFAULT_DATA_DIR, description = "Data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;
        @Mixin
        IscsiOptions iscsi;
        @Mixin
        ChapOptions chap;
        @Option(names = "--portal-address", description = "Address announced by SendTargets (default: the listen address, or this host's address).")
        String portalAddress;
        @Option(names = "--zk-connect", description = "External ZooKeeper ensemble host:port[,...]; without it an embedded server runs.")
        String zkConnect;
        @Option(names = "--zk-port", defaultValue = "" + ApplianceConfig.DEFAULT_ZK_PORT, description = "Embedded ZooKeeper client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int zkPort;
        @Option(names = "--node-id", defaultValue = "" + ApplianceConfig.DEFAULT_NODE_ID, description = "This node's id, 1..65535 (default: ${DEFAULT-VALUE}).")
        int nodeId;
        @Option(names = "--lun-id", defaultValue = ApplianceConfig.DEFAULT_LUN_ID, description = "Id of the LUN created on first start (default: ${DEFAULT-VALUE}).")
        String lunId;
        @Option(names = "--lun-size", defaultValue = ApplianceConfig.DEFAULT_LUN_SIZE, description = "Size of the LUN created on first start (default: ${DEFAULT-VALUE}).")
        String lunSize;
        @Option(names = "--subunit-size", defaultValue = LunSpec.DEFAULT_SUB_UNIT_SIZE, description = "Sub-unit size of that LUN (default: ${DEFAULT-VALUE}).")
        String subUnitSize;
        @Option(names = "--block-size", defaultValue = "" + LunSpec.DEFAULT_BLOCK_SIZE, description = "Logical block size, 512 or 4096 (default: ${DEFAULT-VALUE}).")
        int blockSize;
        @Option(names = "--target-prefix", defaultValue = LunSpec.DEFAULT_TARGET_PREFIX, description = "Target IQN prefix; the LUN id follows (default: ${DEFAULT-VALUE}).")
        String targetPrefix;
        @Option(names = "--naa-company-id", defaultValue = LunSpec.DEFAULT_NAA_COMPANY_ID, description = "IEEE company id (OUI, 6 hex digits) in new LUNs' NAA identifiers (default: ${DEFAULT-VALUE}).")
        String naaCompanyId;
        @Option(names = "--lun-durability", defaultValue = LunSpec.DEFAULT_DURABILITY_NAME, description = "Durability of the LUN created on first start: write-back or durable (default: ${DEFAULT-VALUE}).")
        String lunDurability;
        @Option(names = "--io-threads", defaultValue = "" + ApplianceConfig.DEFAULT_IO_THREADS, description = "Block I/O threads (default: ${DEFAULT-VALUE}).")
        int ioThreads;
        @Option(names = "--nop-interval", defaultValue = "" + GatewayConfig.DEFAULT_NOP_INTERVAL_SECONDS, description = "Seconds of silence before NOP-In pings; no answer in as long drops the connection (default: ${DEFAULT-VALUE}).")
        int nopInterval;
        @Option(names = "--metrics", defaultValue = ApplianceConfig.DEFAULT_METRICS, description = "Prometheus endpoint host:port, or 'off' (default: ${DEFAULT-VALUE}).")
        String metrics;

        @Override
        public Integer call() throws Exception {
            ApplianceConfig config;
            try {
                config = toConfig();
            } catch (IllegalArgumentException e) {
                System.err.println("cairn: " + e.getMessage());
                return 2;
            }
            Appliance appliance = new Appliance(config);
            try {
                appliance.start();
            } catch (Exception e) {
                System.err.println("cairn: failed to start: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = StartedParts.closeOnShutdown(appliance);
            var portal = appliance.portal();
            for (String target : appliance.targets().targetNames()) {
                // A wildcard bind prints as the address asked for (0.0.0.0), not Java's IPv6 form.
                String host = portal.getAddress().isAnyLocalAddress() ? iscsi.listen : portal.getAddress().getHostAddress();
                System.out.println("Cairn ready: target " + target + " portal " + host + ":" + portal.getPort() + " lun 0");
            }
            System.out.flush();
            stopped.await();
            return 0;
        }

        ApplianceConfig toConfig() {
            if (blockSize != 512 && blockSize != 4096) {
                throw new IllegalArgumentException("--block-size must be 512 or 4096");
            }
            if (nodeId < 1 || nodeId > 65535) {
                throw new IllegalArgumentException("--node-id must be 1..65535");
            }
            iscsi.validate();
            long lunBytes = Sizes.parse(lunSize);
            long subUnitBytes = Sizes.parse(subUnitSize);
            if (lunBytes % blockSize != 0 || subUnitBytes % blockSize != 0) {
                throw new IllegalArgumentException("--lun-size and --subunit-size must be multiples of the block size");
            }
            GatewayConfig gateway = GatewayConfig.defaults();
            gateway = new GatewayConfig(iscsi.address(), portalAddress, gateway.gatewayId(), null, gateway.nodeGoneTimeout(),
                    gateway.failoverWait(), chap.auth(), iscsi.queueDepth, nopInterval, Endpoints.parseOrOff(metrics, "--metrics"));
            LunSpec lun = new LunSpec(lunId, lunBytes, blockSize, subUnitBytes, ApplianceConfig.COPIES, targetPrefix, naaCompanyId,
                    Durability.of(lunDurability));
            return new ApplianceConfig(dataDir.toAbsolutePath(), zkConnect, new InetSocketAddress("127.0.0.1", zkPort), nodeId,
                    ioThreads, gateway, lun);
        }
    }

    /** Option defaults from the file named by --config, if any. */
    private static CommandLine.IDefaultValueProvider configFileDefaults(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            }
        }
        Properties props = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                props.load(r);
            } catch (IOException e) {
                System.err.println("cairn: cannot read config file " + file + ": " + e.getMessage());
                System.exit(2);
            }
        }
        return arg -> {
            if (arg instanceof CommandLine.Model.OptionSpec opt) {
                String key = opt.longestName().replaceFirst("^--", "");
                String v = props.getProperty(key);
                if (v != null) {
                    return v.trim();
                }
            }
            return arg.defaultValue();
        };
    }
}
