package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conflicting PERSISTENT RESERVE OUT commands sent at the same moment through different gateways must behave
 * as if the LUN had run them one at a time (architecture.md "Consistency invariants": SCSI context changes by versioned compare-and-set in
 * ZooKeeper). Six initiators, two per gateway, one I_T nexus each; each phase starts all of its commands at
 * once, records every outcome, then reads the state back through every gateway. The check: every gateway
 * reports the same PRGENERATION, keys and reservation, and some serial order of the phase's commands, run
 * through {@link PrModel} from the state before, gives exactly the recorded outcomes and that state. The
 * order is searched, not assumed: the test does not know who wins.
 */
class ConcurrentReservationsIT {

    private static final Cluster.Options OPTIONS = Cluster.Options.defaults();
    private static final Duration REPLICATED = Duration.ofSeconds(90);
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(90);
    private static final int GATEWAYS = 3;
    private static final int INITIATORS = 6;
    private static final int ROUNDS = 3;
    private static final int WERO = PrInitiator.WERO;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void concurrentProutsThroughThreeGatewaysAreSerializable() throws IOException, InterruptedException {
        PrInitiator.tool();
        List<PrInitiator> initiators = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(INITIATORS);
        try (Cluster cluster = Cluster.start(OPTIONS)) {
            for (int g = 1; g < GATEWAYS; g++) {
                cluster.addGateway();
            }
            cluster.awaitStatus("every sub-unit on " + OPTIONS.copies() + " in-sync replicas",
                    s -> s.fullyReplicated(OPTIONS.copies()), REPLICATED);
            for (int i = 0; i < INITIATORS; i++) {
                int gateway = i % GATEWAYS;
                initiators.add(PrInitiator.login("n" + i + "@gw" + (gateway + 1), cluster.url(gateway),
                        "iqn.2026-11.io.cairn:concurrent-" + i));
            }
            for (int round = 0; round < ROUNDS; round++) {
                new Round(round, initiators, pool).run();
            }
        } finally {
            pool.shutdownNow();
            initiators.forEach(PrInitiator::close);
        }
    }

    /** One round of phases from a cleared LUN; the model state follows the phases. */
    private static final class Round {
        private final int round;
        private final List<PrInitiator> initiators;
        private final ExecutorService pool;
        private final StringBuilder history = new StringBuilder();
        private PrModel.State state = PrModel.State.EMPTY;
        private long generation;

        Round(int round, List<PrInitiator> initiators, ExecutorService pool) {
            this.round = round;
            this.initiators = initiators;
            this.pool = pool;
        }

        /** A key unique to this round, initiator and version, so READ KEYS tells whose key it is. */
        long key(int initiator, int version) {
            return 0xc0de_0000_0000_0000L | (long) (round + 1) << 24 | (long) (initiator + 1) << 8 | version;
        }

        void run() throws IOException, InterruptedException {
            clear();
            List<PrModel.Command> phase = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                phase.add(PrModel.Command.register(i, 0, key(i, 1)));
            }
            execute("everyone REGISTERs", phase);

            phase = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                phase.add(PrModel.Command.reserve(i, key(i, 1), WERO));
            }
            execute("everyone RESERVEs WERO", phase);

            // Everyone else preempts the holder while the holder changes its key: whoever comes first decides.
            int holder = state.holder();
            long holderKey = state.registrations().get(holder);
            phase = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                phase.add(i == holder ? PrModel.Command.registerAndIgnore(i, key(i, 2))
                        : PrModel.Command.preempt(i, key(i, 1), holderKey, WERO));
            }
            execute("the others PREEMPT holder n" + holder + " while it changes its key", phase);

            phase = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                phase.add(PrModel.Command.registerAndIgnore(i, key(i, 3)));
            }
            execute("everyone REGISTER AND IGNORE EXISTING KEY with a new key", phase);

            holder = state.holder();
            List<Integer> others = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                if (i != holder) {
                    others.add(i);
                }
            }
            phase = new ArrayList<>();
            if (holder >= 0) {
                phase.add(PrModel.Command.release(holder, key(holder, 3), WERO));
            }
            int j1 = others.get(0), j2 = others.get(1), j3 = others.get(2), j4 = others.get(3), j5 = others.get(4);
            phase.add(PrModel.Command.reserve(j1, key(j1, 3), WERO));
            phase.add(PrModel.Command.reserve(j2, key(j2, 3), WERO));
            phase.add(PrModel.Command.register(j3, key(j3, 3), 0));
            phase.add(PrModel.Command.preempt(j4, key(j4, 3), key(j5, 3), WERO));
            phase.add(PrModel.Command.register(j5, key(j5, 3), key(j5, 4)));
            execute("RELEASE, two RESERVEs, an unregister, a PREEMPT and a re-key at once", phase);

            // Every registrant CLEARs while the unregistered register again: CLEAR wipes whoever came before it.
            phase = new ArrayList<>();
            for (int i = 0; i < INITIATORS; i++) {
                Long k = state.registrations().get(i);
                phase.add(k != null ? PrModel.Command.clear(i, k) : PrModel.Command.registerAndIgnore(i, key(i, 5)));
            }
            execute("the registrants CLEAR while the others register", phase);
        }

        /** Leaves the LUN with no registration (REGISTER AND IGNORE then CLEAR), and reads the generation. */
        private void clear() throws IOException {
            PrInitiator p = initiators.get(0);
            PrInitiator.Reply r = p.registerIgnore(key(0, 0x7f));
            PrInitiator.Reply c = p.clear(key(0, 0x7f));
            if (!r.good() || !c.good()) {
                fail("round " + round + ": clearing the LUN: " + r + ", " + c + "\n" + p.transcript());
            }
            state = PrModel.State.EMPTY;
            generation = observe("round " + round + " start").generation();
        }

        /** Starts every command at once, then checks the outcomes and the state read back against the model. */
        private void execute(String what, List<PrModel.Command> commands) throws IOException, InterruptedException {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PrInitiator.Reply>> replies = new ArrayList<>();
            for (PrModel.Command c : commands) {
                PrInitiator via = initiators.get(c.nexus());
                replies.add(pool.submit(() -> {
                    start.await();
                    return via.sendPastUnitAttention(line(c));
                }));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<PrInitiator.Reply> f : replies) {
                try {
                    outcomes.add(f.get(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).line());
                } catch (ExecutionException | TimeoutException e) {
                    outcomes.add("ERROR " + e);
                }
            }
            Observed after = observe("round " + round + " after: " + what);
            int increments = (int) (after.generation() - generation);
            StringBuilder log = new StringBuilder("round " + round + ", " + what + ":\n");
            for (int i = 0; i < commands.size(); i++) {
                log.append("  ").append(commands.get(i)).append(" -> ").append(outcomes.get(i)).append('\n');
            }
            log.append("  read back: PRGENERATION +").append(increments).append(", keys ")
                    .append(hex(after.keys())).append(", reservation ").append(after.reservation()).append('\n');
            history.append(log);
            System.out.print(log);
            PrModel.State next = PrModel.explainedState(state, commands, outcomes, after.keys(), after.reservation(),
                    increments);
            if (next == null) {
                fail("no serial order of the commands explains their outcomes and the state read back from every"
                        + " gateway (model state before: " + state + ")\n" + history);
            }
            System.out.println("  explained by: " + PrModel.explainingOrder(state, commands, outcomes, after.keys(),
                    after.reservation(), increments));
            state = next;
            generation = after.generation();
        }

        /** READ KEYS and READ RESERVATION through one initiator per gateway; all must agree. */
        private Observed observe(String when) throws IOException {
            Observed first = null;
            List<String> seen = new ArrayList<>();
            boolean differ = false;
            for (int g = 0; g < GATEWAYS; g++) {
                PrInitiator p = initiators.get(g);
                PrInitiator.Keys k = p.readKeys();
                List<Long> keys = new ArrayList<>(k.keys());
                keys.sort(Long::compareUnsigned);
                Observed o = new Observed(k.generation(), keys, p.readReservation());
                seen.add(p.name() + ": " + o);
                if (first == null) {
                    first = o;
                } else if (!first.equals(o)) {
                    differ = true;
                }
            }
            if (differ) {
                fail(when + ": gateways report different persistent reservation state:\n  " + String.join("\n  ", seen)
                        + "\n" + history);
            }
            return first;
        }

        private static String line(PrModel.Command c) {
            String key = Long.toHexString(c.key());
            String sakey = Long.toHexString(c.serviceActionKey());
            return switch (c.action()) {
                case REGISTER -> "register " + key + " " + sakey;
                case REGISTER_AND_IGNORE -> "register-ignore " + sakey;
                case RESERVE -> "reserve " + key + " " + c.type();
                case RELEASE -> "release " + key + " " + c.type();
                case CLEAR -> "clear " + key;
                case PREEMPT -> "preempt " + key + " " + sakey + " " + c.type();
            };
        }
    }

    /** What one gateway reports: PRGENERATION, the keys sorted, the reservation. */
    private record Observed(long generation, List<Long> keys, PrInitiator.Reservation reservation) {
        @Override
        public String toString() {
            return "gen " + generation + " keys " + hex(keys) + " reservation " + reservation;
        }
    }

    private static List<String> hex(List<Long> keys) {
        return keys.stream().map(Long::toHexString).toList();
    }
}
