package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.RawIscsiSession.Initiator;
import io.cairn.it.RawIscsiSession.LoginOptions;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * kill -9 at random moments under durable writes (FUA, and writes followed by SYNCHRONIZE CACHE):
 * of the single-node appliance, and of a store in a two-copy cluster. After each kill the victim
 * restarts (its store replays its operation log) and every block must read back no older than its
 * last durable acknowledgement, and as nothing never written ({@link DurableWorkload}); in the
 * cluster the copies must also verify identical once back in sync. {@code cairn.kill9.rounds}
 * kills per test (3 in the suite; scripts/kill9-campaign.sh runs 50), {@code cairn.kill9.seed}
 * repeats a run.
 */
class KillNineIT {
    private static final int ROUNDS = Integer.getInteger("cairn.kill9.rounds", 3);
    private static final long SEED = Long.getLong("cairn.kill9.seed", System.nanoTime());
    private static final int REGION_BLOCKS = 2048;
    private static final int WRITERS = 4;

    @Test
    void theSingleNodeApplianceLosesNoDurableWriteToKill9() throws Exception {
        Random random = new Random(SEED);
        try (Appliance appliance = Appliance.start(Appliance.Options.defaults().withSizes("64M", "16M"))) {
            int bs;
            try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
                bs = s.blockSize();
            }
            // the region straddles the first sub-unit boundary (16 MiB)
            long first = (16L << 20) / bs - REGION_BLOCKS / 2;
            DurableWorkload workload = new DurableWorkload(() -> RawIscsiSession.login(appliance, LoginOptions.plain(),
                    Initiator.fresh()), first, REGION_BLOCKS, WRITERS, bs, random.nextLong());
            for (int round = 1; round <= ROUNDS; round++) {
                workload.start();
                Thread.sleep(200 + random.nextInt(800));
                workload.crash();
                appliance.kill9();
                workload.stop();
                appliance.restart();
                try (RawIscsiSession s = RawIscsiSession.login(appliance, LoginOptions.plain())) {
                    workload.check(s, "after kill -9 " + round + " of the appliance (seed " + SEED + ")");
                }
            }
            System.out.printf("kill -9 of the appliance: %d rounds, %d durable acknowledgements checked (seed %d)%n",
                    ROUNDS, workload.durableAcks(), SEED);
            assertTrue(workload.durableAcks() >= ROUNDS, "the writers must have had durable acknowledgements");
            assertTrue(appliance.output().contains("operation log: replayed"), "a restart replayed the log");
        }
    }

    @Test
    void aStoreOfATwoCopyClusterLosesNoDurableWriteToKill9() throws Exception {
        Random random = new Random(SEED + 1);
        try (Cluster cluster = Cluster.start(Cluster.Options.defaults().withLun("k9", "64M", "16M"))) {
            DurableWorkload.Sessions sessions = () -> RawIscsiSession.login(cluster.host(), cluster.gatewayPort(0),
                    cluster.targetIqn(), cluster.lun(), LoginOptions.plain(), Initiator.fresh());
            int bs;
            try (RawIscsiSession s = sessions.open()) {
                bs = s.blockSize();
            }
            long first = (16L << 20) / bs - REGION_BLOCKS / 2;
            DurableWorkload workload = new DurableWorkload(sessions, first, REGION_BLOCKS, WRITERS, bs, random.nextLong());
            for (int round = 1; round <= ROUNDS; round++) {
                int victim = 1 + random.nextInt(cluster.options().stores());
                workload.start();
                Thread.sleep(200 + random.nextInt(800));
                cluster.kill9Store(victim);
                Thread.sleep(500 + random.nextInt(1000)); // the writers go on through the failover
                workload.stop();
                cluster.restartStore(victim);
                cluster.awaitStatus("node " + victim + " back in sync", st -> st.fullyReplicated(2), Duration.ofMinutes(2));
                LunVerification v = cluster.verify();
                assertTrue(v.identical(), "copies differ after kill -9 " + round + " of node " + victim + ": " + v.output());
                try (RawIscsiSession s = sessions.open()) {
                    workload.check(s, "after kill -9 " + round + " of store " + victim + " (seed " + SEED + ")");
                }
            }
            System.out.printf("kill -9 of a store: %d rounds, %d durable acknowledgements checked (seed %d)%n",
                    ROUNDS, workload.durableAcks(), SEED);
            assertTrue(workload.durableAcks() >= ROUNDS, "the writers must have had durable acknowledgements");
        }
    }
}
