package io.cairn.appliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.client.Coordination;
import io.cairn.coord.lun.Durability;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.lun.SitePolicy;
import io.cairn.coord.cluster.NodeInfo;
import io.cairn.lun.placement.PlacementPolicy;
import io.cairn.lun.cluster.ClusterClients;
import io.cairn.lun.lifecycle.LunLifecycle;
import io.cairn.lun.lifecycle.LunSpec;
import io.cairn.lun.lifecycle.LunStatus;
import io.cairn.lun.lifecycle.LunVerification;
import io.cairn.store.net.BlockTransport;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `cairn lun`: create, inspect and verify the cluster's LUNs, through lun-manager's {@link LunLifecycle}. */
@Command(name = "lun", mixinStandardHelpOptions = true, description = "Manage the cluster's LUNs.",
        subcommands = {LunCommand.Create.class, LunCommand.Status.class, LunCommand.Verify.class})
final class LunCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--zk-connect", required = true, scope = CommandLine.ScopeType.INHERIT,
            description = "ZooKeeper ensemble host:port[,host:port].")
    String zkConnect;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    Coordination connect() {
        return new Coordination(Coordination.Settings.of(zkConnect)).start();
    }

    /** The lifecycle over {@code c}; {@code nodes} may be null where no store is asked. */
    static LunLifecycle lifecycle(Coordination c, ClusterClients nodes) {
        return new LunLifecycle(c.openLunCatalog(), c.openPlacementStore(), c.resyncReports(), nodes, System::currentTimeMillis);
    }

    /** Which LUN a query is about, and how to print the answer. */
    static final class LunQuery {
        @Option(names = "--id", required = true, description = "LUN id.")
        String id;
        @Option(names = "--json", description = "Print JSON on one line (default: indented).")
        boolean json;
    }

    static void print(Object value, boolean compact) throws JsonProcessingException {
        System.out.println(compact ? JSON.writeValueAsString(value) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a LUN and wait until it is placed.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Option(names = "--id", required = true, description = "LUN id: [a-z0-9][a-z0-9-]{0,62}.")
        String id;
        @Option(names = "--size", required = true, description = "Capacity, e.g. 100G.")
        String size;
        @Option(names = "--subunit-size", defaultValue = LunSpec.DEFAULT_SUB_UNIT_SIZE, description = "Sub-unit size (default: ${DEFAULT-VALUE}).")
        String subUnitSize;
        @Option(names = "--copies", defaultValue = "" + LunSpec.DEFAULT_COPIES, description = "Copies in the local site before a write is acknowledged (default: ${DEFAULT-VALUE}).")
        int copies;
        @Option(names = "--block-size", defaultValue = "" + LunSpec.DEFAULT_BLOCK_SIZE, description = "Logical block size, 512 or 4096 (default: ${DEFAULT-VALUE}).")
        int blockSize;
        @Option(names = "--target-prefix", defaultValue = LunSpec.DEFAULT_TARGET_PREFIX, description = "Target IQN prefix (default: ${DEFAULT-VALUE}).")
        String targetPrefix;
        @Option(names = "--naa-company-id", defaultValue = LunSpec.DEFAULT_NAA_COMPANY_ID, description = "IEEE company id in the NAA identifier (default: ${DEFAULT-VALUE}).")
        String companyId;
        @Option(names = "--durability", defaultValue = LunSpec.DEFAULT_DURABILITY_NAME, description = "write-back (acknowledged from the page cache and the log, durable on FUA and flush) or durable (every acknowledgement durable) (default: ${DEFAULT-VALUE}).")
        String durability;
        @Option(names = "--site", description = "Site whose store nodes hold the local copies (default: the site most store nodes are in).")
        String site;
        @Option(names = "--dr-sites", description = "Sites that hold disaster-recovery copies, comma-separated, or 'none' (default: every other site).")
        String drSites;
        @Option(names = "--drop-local-copy", description = "Drop the second local copy of a block once every DR site holds it (default: keep it).")
        boolean dropLocalCopy;
        @Option(names = "--wait", defaultValue = "30s", description = "How long to wait for placement (default: ${DEFAULT-VALUE}).")
        String waitFor;

        /**
         * The site policy asked for, with local site {@code chosen} (named, or the busiest known;
         * empty to check the options before connecting).
         *
         * @throws IllegalArgumentException naming the option and the value it refuses
         */
        SitePolicy sites(Optional<String> chosen) {
            Optional<List<String>> dr = Optional.empty();
            if (drSites != null) {
                dr = Optional.of(drSites.equals("none") ? List.of()
                        : Arrays.stream(drSites.split(",", -1)).map(String::trim).toList());
            }
            try {
                return new SitePolicy(chosen, dr, dropLocalCopy);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--site/--dr-sites/--drop-local-copy: " + e.getMessage());
            }
        }

        @Override
        public Integer call() throws Exception {
            LunSpec spec;
            java.time.Duration wait;
            try {
                if (copies < 2) {
                    throw new IllegalArgumentException("--copies must be at least 2 for a cluster LUN");
                }
                spec = new LunSpec(id, Sizes.parse(size), blockSize, Sizes.parse(subUnitSize), copies, targetPrefix, companyId,
                        Durability.of(durability));
                wait = Durations.parse(waitFor, "--wait");
                sites(Optional.ofNullable(site)); // checked before anything connects
            } catch (IllegalArgumentException e) {
                System.err.println("cairn: " + e.getMessage());
                return 2;
            }
            try (Coordination c = parent.connect()) {
                List<NodeInfo> known = c.openNodeRegistry().known();
                String local = site != null ? site : PlacementPolicy.busiestSite(known, StoreConfig.DEFAULT_SITE);
                long inSite = known.stream().filter(n -> n.site().equals(local)).count();
                try {
                    spec = spec.withSites(sites(Optional.of(local)));
                    if (inSite == 0) {
                        throw new IllegalArgumentException(known.isEmpty() ? "no store node has registered yet: start the stores first"
                                : "no store node has registered in site " + local + " (sites with nodes: "
                                + known.stream().map(NodeInfo::site).distinct().sorted().toList() + ")");
                    }
                } catch (IllegalArgumentException e) {
                    System.err.println("cairn: " + e.getMessage());
                    return 2;
                }
                LunLifecycle luns = lifecycle(c, null);
                LunDefinition lun;
                try {
                    lun = luns.create(spec);
                } catch (LunCatalog.LunExistsException e) {
                    System.err.println("cairn: " + e.getMessage());
                    return 1;
                }
                int placed = luns.awaitPlacement(id, wait);
                if (placed < lun.subUnitCount()) {
                    System.err.println("cairn: LUN " + id + " created but only " + placed + " of " + lun.subUnitCount()
                            + " sub-units are placed (is a gateway running, are there " + copies + " store nodes?)");
                    return 1;
                }
                System.out.println("LUN " + id + " created: target " + lun.targetIqn());
                System.out.println(lun.subUnitCount() + " sub-units, " + copies + " copies each, " + lun.durability());
                SitePolicy sites = lun.sites();
                System.out.println("site " + sites.site().orElseThrow() + ", DR sites: "
                        + sites.drSites().map(l -> l.isEmpty() ? "none" : String.join(", ", l))
                                .orElse("every other site " + sites.drSitesAmong(known.stream().map(NodeInfo::site).toList(), local))
                        + (sites.dropLocalCopy() ? ", second local copy dropped once they hold a block" : "")
                        + " (shipping to DR sites is not built in this release)");
                return 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Placement, health and resyncs of a LUN.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Mixin
        LunQuery query;

        @Override
        public Integer call() throws Exception {
            try (Coordination c = parent.connect()) {
                Optional<LunStatus> status = lifecycle(c, null).status(query.id);
                if (status.isEmpty()) {
                    System.err.println("cairn: no LUN " + query.id);
                    return 1;
                }
                print(status.get(), query.json);
                return 0;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Ask the stores whether the in-sync copies of every sub-unit are identical (versions and content digests).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Mixin
        LunQuery query;

        @Override
        public Integer call() throws Exception {
            try (Coordination c = parent.connect(); BlockTransport transport = new BlockTransport(1);
                 ClusterClients clients = new ClusterClients(c.openNodeRegistry(), transport, -1, null)) {
                LunVerification result = lifecycle(c, clients).verify(query.id);
                print(result, query.json);
                return result.identical() ? 0 : 1;
            }
        }
    }
}
