package io.cairn.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.cairn.it.PrModel.CONFLICT;
import static io.cairn.it.PrModel.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The serial PR model the concurrency test checks the target against, and its search over orders. */
class PrModelTest {

    private static final int WERO = PrInitiator.WERO;
    private static final PrModel.State TWO_REGISTERED = new PrModel.State(Map.of(0, 0xaL, 1, 0xbL), -1, 0, 0);

    @Test
    void serviceActionsFollowSpc4() {
        PrModel.State s = PrModel.apply(PrModel.State.EMPTY, PrModel.Command.register(0, 0, 0xa)).after();
        assertEquals(List.of(0xaL), s.keys());
        assertEquals(CONFLICT, PrModel.apply(s, PrModel.Command.register(0, 0, 0xc)).outcome(),
                "REGISTER from a registered nexus with a wrong key");
        assertEquals(CONFLICT, PrModel.apply(s, PrModel.Command.reserve(1, 0xb, WERO)).outcome(),
                "RESERVE from an unregistered nexus");
        PrModel.State held = PrModel.apply(s, PrModel.Command.reserve(0, 0xa, WERO)).after();
        assertEquals(new PrInitiator.Reservation(0xa, WERO), held.reservation());
        assertEquals(1, held.generations(), "RESERVE leaves PRGENERATION alone");
        assertEquals(PrModel.INVALID_RELEASE, PrModel.apply(held, PrModel.Command.release(0, 0xa, 1)).outcome());
        PrModel.State rekeyed = PrModel.apply(held, PrModel.Command.registerAndIgnore(0, 0xd)).after();
        assertEquals(new PrInitiator.Reservation(0xd, WERO), rekeyed.reservation(), "the holder is the nexus, not the key");
        PrModel.State unregistered = PrModel.apply(rekeyed, PrModel.Command.register(0, 0xd, 0)).after();
        assertEquals(PrInitiator.Reservation.NONE, unregistered.reservation(), "unregistering the holder releases");
        assertEquals(3, unregistered.generations());
    }

    @Test
    void preemptOfTheHolderMovesTheReservationAndRemovesItsKey() {
        PrModel.State held = PrModel.apply(TWO_REGISTERED, PrModel.Command.reserve(0, 0xa, WERO)).after();
        PrModel.Step step = PrModel.apply(held, PrModel.Command.preempt(1, 0xb, 0xa, WERO));
        assertEquals(GOOD, step.outcome());
        assertEquals(List.of(0xbL), step.after().keys());
        assertEquals(new PrInitiator.Reservation(0xb, WERO), step.after().reservation());
        assertEquals(CONFLICT, PrModel.apply(step.after(), PrModel.Command.preempt(1, 0xb, 0xa, WERO)).outcome(),
                "preempting a key nobody holds any more");
    }

    @Test
    void concurrentReservesAreExplainedOnlyWithOneWinner() {
        List<PrModel.Command> reserves = List.of(PrModel.Command.reserve(0, 0xa, WERO),
                PrModel.Command.reserve(1, 0xb, WERO));
        List<PrModel.Command> order = PrModel.explainingOrder(TWO_REGISTERED, reserves, List.of(CONFLICT, GOOD),
                List.of(0xaL, 0xbL), new PrInitiator.Reservation(0xb, WERO), 0);
        assertEquals(List.of(reserves.get(1), reserves.get(0)), order, "the winner first");
        assertNull(PrModel.explainingOrder(TWO_REGISTERED, reserves, List.of(GOOD, GOOD), List.of(0xaL, 0xbL),
                new PrInitiator.Reservation(0xb, WERO), 0), "two holders at once");
        assertNull(PrModel.explainingOrder(TWO_REGISTERED, reserves, List.of(CONFLICT, GOOD), List.of(0xaL, 0xbL),
                new PrInitiator.Reservation(0xa, WERO), 0), "outcomes name one holder, the state another");
    }

    @Test
    void theSearchFindsTheOnlyOrderThatExplainsMixedOutcomes() {
        // n1 re-keys itself while n0 preempts n1's old key: only "preempt first" makes both GOOD, with n1 gone.
        List<PrModel.Command> commands = List.of(PrModel.Command.preempt(0, 0xa, 0xb, WERO),
                PrModel.Command.registerAndIgnore(1, 0xc));
        PrModel.State end = PrModel.explainedState(TWO_REGISTERED, commands, List.of(GOOD, GOOD),
                List.of(0xaL, 0xcL), PrInitiator.Reservation.NONE, 2);
        assertNotNull(end, "preempt, then n1 registers again with a new key");
        assertEquals(Map.of(0, 0xaL, 1, 0xcL), end.registrations());
        assertNull(PrModel.explainingOrder(TWO_REGISTERED, commands, List.of(GOOD, GOOD), List.of(0xaL),
                PrInitiator.Reservation.NONE, 2), "n1's key cannot be gone after both succeeded");
    }
}
