package io.cairn.appliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.coord.Coordination;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.ResyncReports;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.lun.LunIdentity;
import io.cairn.store.net.BlockTransport;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `cairn lun`: create, inspect and verify the cluster's LUNs. */
@Command(name = "lun", mixinStandardHelpOptions = true, description = "Manage the cluster's LUNs.",
        subcommands = {LunCommand.Create.class, LunCommand.Status.class, LunCommand.Verify.class})
final class LunCommand implements Runnable {

    @Option(names = "--zk-connect", required = true, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "ZooKeeper ensemble host:port[,host:port].")
    String zkConnect;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    Coordination connect() {
        return new Coordination(Coordination.Settings.of(zkConnect)).start();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a LUN and wait until it is placed.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Option(names = "--id", required = true, description = "LUN id: [a-z0-9][a-z0-9-]{0,62}.")
        String id;
        @Option(names = "--size", required = true, description = "Capacity, e.g. 100G.")
        String size;
        @Option(names = "--subunit-size", defaultValue = "64M", description = "Sub-unit size (default: ${DEFAULT-VALUE}).")
        String subUnitSize;
        @Option(names = "--copies", defaultValue = "2", description = "Copies in the local site before a write is acknowledged (default: ${DEFAULT-VALUE}).")
        int copies;
        @Option(names = "--block-size", defaultValue = "512", description = "Logical block size, 512 or 4096 (default: ${DEFAULT-VALUE}).")
        int blockSize;
        @Option(names = "--target-prefix", defaultValue = "iqn.2026-11.io.cairn:", description = "Target IQN prefix (default: ${DEFAULT-VALUE}).")
        String targetPrefix;
        @Option(names = "--naa-company-id", defaultValue = LunIdentity.DEFAULT_COMPANY_ID, description = "IEEE company id in the NAA identifier (default: ${DEFAULT-VALUE}).")
        String companyId;
        @Option(names = "--wait", defaultValue = "30s", description = "How long to wait for placement (default: ${DEFAULT-VALUE}).")
        String waitFor;

        @Override
        public Integer call() throws Exception {
            LunDefinition lun;
            try {
                long bytes = Sizes.parse(size);
                long subUnit = Sizes.parse(subUnitSize);
                if (copies < 2) {
                    throw new IllegalArgumentException("--copies must be at least 2 for a cluster LUN");
                }
                if (bytes % blockSize != 0 || subUnit % blockSize != 0) {
                    throw new IllegalArgumentException("--size and --subunit-size must be multiples of the block size");
                }
                String naa = new LunIdentity(companyId, new SecureRandom()).newNaa();
                lun = new LunDefinition(id, targetPrefix + id, blockSize, bytes / blockSize, subUnit / blockSize, copies,
                        naa, LunIdentity.serialFor(naa), System.currentTimeMillis());
            } catch (IllegalArgumentException e) {
                System.err.println("cairn: " + e.getMessage());
                return 2;
            }
            try (Coordination c = parent.connect()) {
                LunCatalog catalog = c.openLunCatalog();
                PlacementStore placements = c.openPlacementStore();
                try {
                    catalog.create(lun);
                } catch (LunCatalog.LunExistsException e) {
                    System.err.println("cairn: " + e.getMessage());
                    return 1;
                }
                long deadline = System.nanoTime() + Durations.parse(waitFor, "--wait").toNanos();
                while (placements.list(id).size() < lun.subUnitCount()) {
                    if (System.nanoTime() > deadline) {
                        System.err.println("cairn: LUN " + id + " created but only " + placements.list(id).size() + " of "
                                + lun.subUnitCount() + " sub-units are placed (is a gateway running, are there "
                                + copies + " store nodes?)");
                        return 1;
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                System.out.println("LUN " + id + " created: target " + lun.targetIqn());
                System.out.println(lun.subUnitCount() + " sub-units, " + copies + " copies each");
                return 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Placement, health and resyncs of a LUN.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Option(names = "--id", required = true)
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Coordination c = parent.connect()) {
                Optional<LunDefinition> lun = c.openLunCatalog().get(id);
                if (lun.isEmpty()) {
                    System.err.println("cairn: no LUN " + id);
                    return 1;
                }
                List<SubUnitPlacement> placed = c.openPlacementStore().list(id);
                ObjectNode out = JSON.createObjectNode().put("lun", id).put("target", lun.get().targetIqn())
                        .put("sizeBytes", lun.get().sizeBytes()).put("copies", lun.get().copies());
                ArrayNode subUnits = out.putArray("subUnits");
                int degraded = 0;
                for (SubUnitPlacement p : placed) {
                    ObjectNode s = subUnits.addObject().put("index", p.index()).put("primary", p.primary()).put("epoch", p.epoch());
                    p.replicas().forEach(s.putArray("replicas")::add);
                    p.inSync().forEach(s.putArray("inSync")::add);
                    degraded += p.degraded() ? 1 : 0;
                }
                out.put("placed", placed.size()).put("subUnitCount", lun.get().subUnitCount());
                out.put("degraded", degraded).put("unavailable", lun.get().subUnitCount() - placed.size());
                ArrayNode resyncs = out.putArray("resyncs");
                for (ResyncReports.Report r : new ResyncReports(c).list(id)) {
                    resyncs.addObject().put("index", r.index()).put("replica", r.replica())
                            .put("blocksCompared", r.blocksCompared()).put("blocksCopied", r.blocksCopied())
                            .put("millis", r.millis()).put("finishedAtMillis", r.finishedAtMillis());
                }
                if (json) {
                    System.out.println(JSON.writeValueAsString(out));
                } else {
                    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
                }
                return 0;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Ask the stores whether the in-sync copies of every sub-unit are identical (versions and content digests).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        LunCommand parent;
        @Option(names = "--id", required = true)
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Coordination c = parent.connect(); BlockTransport transport = new BlockTransport(1);
                 ClusterClients clients = new ClusterClients(c.openNodeRegistry(), transport, -1, null)) {
                List<SubUnitPlacement> placed = c.openPlacementStore().list(id);
                ObjectNode out = JSON.createObjectNode().put("lun", id);
                ArrayNode subUnits = out.putArray("subUnits");
                boolean all = !placed.isEmpty();
                for (SubUnitPlacement p : placed) {
                    ObjectNode s = subUnits.addObject().put("index", p.index());
                    p.inSync().forEach(s.putArray("replicas")::add);
                    Verification first = null;
                    boolean same = true;
                    String problem = null;
                    for (int node : p.inSync()) {
                        try {
                            Verification v = clients.service(node).verify(new SubUnitId(id, p.index())).get(30, TimeUnit.SECONDS);
                            if (first == null) {
                                first = v;
                            } else if (!identical(first, v)) {
                                same = false;
                                problem = "node " + node + " differs from node " + first.node();
                            }
                        } catch (Exception e) {
                            same = false;
                            problem = "node " + node + ": " + e.getMessage();
                        }
                    }
                    s.put("identical", same);
                    if (problem != null) {
                        s.put("problem", problem);
                    }
                    all &= same;
                }
                out.put("identical", all);
                System.out.println(json ? JSON.writeValueAsString(out) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
                return all ? 0 : 1;
            }
        }

        private static boolean identical(Verification a, Verification b) {
            return Arrays.equals(a.versions().epochs(), b.versions().epochs())
                    && Arrays.equals(a.versions().ids(), b.versions().ids())
                    && Arrays.equals(a.versions().mapped(), b.versions().mapped())
                    && Arrays.equals(a.contentDigests(), b.contentDigests());
        }
    }
}
