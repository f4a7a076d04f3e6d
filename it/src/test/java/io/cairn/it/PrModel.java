package io.cairn.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small serial model of SPC-4 persistent reservations (5.13, PERSISTENT RESERVE OUT 6.16), just the service
 * actions the concurrency test issues, for one logical unit with single-holder reservation types (not the
 * all-registrants types). A nexus is an index; every command comes from one nexus. The test uses it to decide
 * whether what the target answered to concurrent commands is explained by one serial order of them.
 */
final class PrModel {

    enum Action { REGISTER, REGISTER_AND_IGNORE, RESERVE, RELEASE, CLEAR, PREEMPT }

    /** One PERSISTENT RESERVE OUT from {@code nexus}. */
    record Command(int nexus, Action action, long key, long serviceActionKey, int type) {
        static Command register(int nexus, long key, long newKey) {
            return new Command(nexus, Action.REGISTER, key, newKey, 0);
        }

        static Command registerAndIgnore(int nexus, long newKey) {
            return new Command(nexus, Action.REGISTER_AND_IGNORE, 0, newKey, 0);
        }

        static Command reserve(int nexus, long key, int type) {
            return new Command(nexus, Action.RESERVE, key, 0, type);
        }

        static Command release(int nexus, long key, int type) {
            return new Command(nexus, Action.RELEASE, key, 0, type);
        }

        static Command clear(int nexus, long key) {
            return new Command(nexus, Action.CLEAR, key, 0, 0);
        }

        static Command preempt(int nexus, long key, long preempted, int type) {
            return new Command(nexus, Action.PREEMPT, key, preempted, type);
        }

        @Override
        public String toString() {
            return "n" + nexus + " " + action + " key=" + Long.toHexString(key)
                    + (serviceActionKey != 0 || action == Action.REGISTER ? " sakey=" + Long.toHexString(serviceActionKey) : "")
                    + (type != 0 ? " type=" + type : "");
        }
    }

    static final String GOOD = "GOOD";
    static final String CONFLICT = "RESERVATION_CONFLICT";
    /** ILLEGAL REQUEST, INVALID RELEASE OF PERSISTENT RESERVATION (SPC-4 5.13.11.2.2). */
    static final String INVALID_RELEASE = "CHECK 5/26/04";
    /** ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST. */
    static final String INVALID_FIELD_IN_PARAMETERS = "CHECK 5/26/00";

    /**
     * Registrations (nexus to key), the holder's nexus (-1: none) and type, and how many times PRGENERATION
     * was incremented (SPC-4 6.15.2: by every REGISTER, REGISTER AND IGNORE EXISTING KEY, CLEAR, PREEMPT
     * that succeeds, but not by RESERVE or RELEASE).
     */
    record State(Map<Integer, Long> registrations, int holder, int type, int generations) {
        static final State EMPTY = new State(Map.of(), -1, 0, 0);

        State {
            registrations = Collections.unmodifiableMap(new TreeMap<>(registrations));
        }

        /** The registered keys, sorted: what READ KEYS shows, one per registered nexus. */
        List<Long> keys() {
            List<Long> keys = new ArrayList<>(registrations.values());
            keys.sort(Long::compareUnsigned);
            return keys;
        }

        /** What READ RESERVATION shows: the holder's key and the type. */
        PrInitiator.Reservation reservation() {
            return holder < 0 ? PrInitiator.Reservation.NONE : new PrInitiator.Reservation(registrations.get(holder), type);
        }

        /** The same with the generation counter restarted, for comparing with a state read back from the LUN. */
        State withGenerations(int g) {
            return new State(registrations, holder, type, g);
        }
    }

    /** The outcome of one command and the state after it. */
    record Step(String outcome, State after) {
    }

    private PrModel() {
    }

    static Step apply(State s, Command c) {
        Long registered = s.registrations().get(c.nexus());
        boolean ignoresKey = c.action() == Action.REGISTER_AND_IGNORE;
        // SPC-4 5.13.5 / 6.16.3: the RESERVATION KEY field must be the nexus's registered key, or zero from an
        // unregistered nexus for REGISTER; REGISTER AND IGNORE EXISTING KEY ignores it.
        if (!ignoresKey) {
            boolean unregisteredRegister = registered == null && c.action() == Action.REGISTER && c.key() == 0;
            if (!unregisteredRegister && (registered == null || registered != c.key())) {
                return new Step(CONFLICT, s);
            }
        }
        return switch (c.action()) {
            case REGISTER, REGISTER_AND_IGNORE -> register(s, c.nexus(), registered, c.serviceActionKey());
            case RESERVE -> reserve(s, c);
            case RELEASE -> release(s, c);
            case CLEAR -> new Step(GOOD, new State(Map.of(), -1, 0, s.generations() + 1));
            case PREEMPT -> preempt(s, c);
        };
    }

    /** SPC-4 5.13.5: register, change the key, or unregister (a zero new key); unregistering the holder releases. */
    private static Step register(State s, int nexus, Long registered, long newKey) {
        if (registered == null && newKey == 0) {
            return new Step(GOOD, s); // nothing to register or remove; PRGENERATION unchanged
        }
        Map<Integer, Long> regs = new TreeMap<>(s.registrations());
        int holder = s.holder();
        int type = s.type();
        if (newKey == 0) {
            regs.remove(nexus);
            if (holder == nexus) {
                holder = -1;
                type = 0;
            }
        } else {
            regs.put(nexus, newKey);
        }
        return new Step(GOOD, new State(regs, holder, type, s.generations() + 1));
    }

    /** SPC-4 5.13.6: a reservation exists once; the holder re-reserving with its type is a no-op, else conflict. */
    private static Step reserve(State s, Command c) {
        if (s.holder() < 0) {
            return new Step(GOOD, new State(s.registrations(), c.nexus(), c.type(), s.generations()));
        }
        return new Step(s.holder() == c.nexus() && s.type() == c.type() ? GOOD : CONFLICT, s);
    }

    /** SPC-4 5.13.11.2.2: only the holder releases; no reservation or a non-holder is GOOD with no effect. */
    private static Step release(State s, Command c) {
        if (s.holder() < 0 || s.holder() != c.nexus()) {
            return new Step(GOOD, s);
        }
        if (s.type() != c.type()) {
            return new Step(INVALID_RELEASE, s);
        }
        return new Step(GOOD, new State(s.registrations(), -1, 0, s.generations()));
    }

    /**
     * SPC-4 5.13.11.2.4: removes every registration holding the service action key except the issuer's own; if
     * the holder's key is the one preempted, the issuer becomes the holder with the new type. Preempting a key
     * nobody holds is a RESERVATION CONFLICT; a zero key without a reservation is an invalid parameter.
     */
    private static Step preempt(State s, Command c) {
        long victim = c.serviceActionKey();
        if (victim == 0) {
            return new Step(s.holder() < 0 ? INVALID_FIELD_IN_PARAMETERS : CONFLICT, s);
        }
        Map<Integer, Long> regs = new TreeMap<>(s.registrations());
        boolean removed = regs.entrySet().removeIf(e -> e.getKey() != c.nexus() && e.getValue() == victim);
        boolean holderPreempted = s.holder() >= 0 && s.registrations().get(s.holder()) == victim;
        if (!removed && !holderPreempted) {
            return new Step(CONFLICT, s);
        }
        int holder = s.holder();
        int type = s.type();
        if (holderPreempted) {
            holder = c.nexus();
            type = c.type();
        } else if (holder >= 0 && !regs.containsKey(holder)) {
            holder = -1;
            type = 0;
        }
        return new Step(GOOD, new State(regs, holder, type, s.generations() + 1));
    }

    /**
     * A serial order of {@code commands} that, applied from {@code before}, gives exactly {@code outcomes}
     * (index-aligned with the commands) and ends in a state with {@code keys} (sorted as {@link State#keys}),
     * {@code reservation} and {@code generations} increments; null when none does. Depth-first over orders,
     * pruned at the first outcome that differs: at most n! leaves, so callers keep n small (8 or fewer).
     */
    static List<Command> explainingOrder(State before, List<Command> commands, List<String> outcomes,
                                         List<Long> keys, PrInitiator.Reservation reservation, int generations) {
        if (commands.size() != outcomes.size() || commands.size() > 8) {
            throw new IllegalArgumentException(commands.size() + " commands, " + outcomes.size() + " outcomes");
        }
        List<Command> order = new ArrayList<>();
        boolean[] used = new boolean[commands.size()];
        State end = search(before.withGenerations(0), commands, outcomes, used, order, keys, reservation, generations);
        return end == null ? null : List.copyOf(order);
    }

    /** The final state of the first order found by {@link #explainingOrder}, or null. */
    static State explainedState(State before, List<Command> commands, List<String> outcomes,
                                List<Long> keys, PrInitiator.Reservation reservation, int generations) {
        List<Command> order = explainingOrder(before, commands, outcomes, keys, reservation, generations);
        if (order == null) {
            return null;
        }
        State s = before.withGenerations(0);
        for (Command c : order) {
            s = apply(s, c).after();
        }
        return s;
    }

    private static State search(State s, List<Command> commands, List<String> outcomes, boolean[] used,
                                List<Command> order, List<Long> keys, PrInitiator.Reservation reservation,
                                int generations) {
        if (order.size() == commands.size()) {
            boolean matches = s.keys().equals(keys) && s.reservation().equals(reservation)
                    && s.generations() == generations;
            return matches ? s : null;
        }
        for (int i = 0; i < commands.size(); i++) {
            if (used[i]) {
                continue;
            }
            Step step = apply(s, commands.get(i));
            if (!step.outcome().equals(outcomes.get(i))) {
                continue;
            }
            used[i] = true;
            order.add(commands.get(i));
            State end = search(step.after(), commands, outcomes, used, order, keys, reservation, generations);
            if (end != null) {
                return end;
            }
            order.remove(order.size() - 1);
            used[i] = false;
        }
        return null;
    }
}
