package io.cairn.coord.session;

import io.cairn.coord.CoordinationUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease's rule on a hand-moved clock and a scripted round trip. */
class SessionLeaseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(6);
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    /** What the next round trip does: advance the clock by this long, then answer (or fail). */
    private long roundTripNanos;
    private boolean fail;
    private long sessionId = 1;
    /** Each transition with whether the lease was current when the listener heard it. */
    private final List<String> heard = new ArrayList<>();
    private SessionLease lease;

    SessionLeaseTest() {
        lease = new SessionLease(() -> {
            clock.addAndGet(roundTripNanos);
            if (fail) {
                throw new CoordinationUnavailableException("scripted failure", null);
            }
            return new SessionLease.Answer(sessionId, TIMEOUT);
        }, clock::get, new SessionLease.Listener() {
            @Override
            public void lapsed() {
                heard.add("lapsed current=" + lease.isCurrent());
            }

            @Override
            public void regained() {
                heard.add("regained current=" + lease.isCurrent());
            }
        });
    }

    @Test
    void notCurrentBeforeTheFirstRoundTrip() {
        assertFalse(lease.isCurrent());
        assertEquals(Duration.ofSeconds(1), lease.renewalPeriod(TIMEOUT));
    }

    @Test
    void currentForHalfTheNegotiatedTimeoutCountedFromTheSendTime() {
        roundTripNanos = SECOND; // the answer takes a second: the term still starts when we sent
        assertTrue(lease.renew());
        clock.addAndGet(2 * SECOND - 1); // 3 s - 1 ns after the send
        assertTrue(lease.isCurrent());
        clock.addAndGet(1);
        assertFalse(lease.isCurrent(), "the deadline is send + timeout / 2");
        assertEquals(List.of(), heard, "the first grant is no transition");
    }

    @Test
    void aFailedRoundTripExtendsNothing() {
        assertTrue(lease.renew());
        clock.addAndGet(2 * SECOND);
        fail = true;
        assertTrue(lease.renew(), "still inside the first term");
        clock.addAndGet(SECOND);
        assertFalse(lease.isCurrent());
        assertFalse(lease.renew());
        assertEquals(List.of("lapsed current=false"), heard);
    }

    @Test
    void aLapseIsReportedBeforeTheRenewedTermAndTheRegainAfterIt() {
        assertTrue(lease.renew());
        clock.addAndGet(10 * SECOND); // paused past the session timeout
        assertFalse(lease.isCurrent());
        assertTrue(lease.renew());
        assertEquals(List.of("lapsed current=false", "regained current=true"), heard);
    }

    @Test
    void aLapseDuringTheRoundTripIsReportedBeforeTheNewTerm() {
        assertTrue(lease.renew());
        clock.addAndGet(2 * SECOND);
        roundTripNanos = 2 * SECOND; // the old term ends while we wait; the answer still vouches for 1 s more
        assertTrue(lease.renew());
        assertEquals(List.of("lapsed current=false", "regained current=true"), heard,
                "a holder must hear of the gap before it sees a current lease again");
    }

    @Test
    void anAnswerLaterThanItsOwnTermVouchesForNothing() {
        assertTrue(lease.renew());
        roundTripNanos = 4 * SECOND; // longer than timeout / 2: sent 4 s ago, term would have ended 1 s ago
        assertFalse(lease.renew());
        assertFalse(lease.isCurrent());
        assertEquals(List.of("lapsed current=false"), heard);
    }

    @Test
    void anAnswerFromANewSessionCountsAsALapse() {
        assertTrue(lease.renew());
        clock.addAndGet(SECOND);
        sessionId = 2; // the old session expired and a new one answered: its watches and ephemerals are new
        assertTrue(lease.renew());
        assertEquals(List.of("lapsed current=false", "regained current=true"), heard);
    }

    @Test
    void renewalsComeSixTimesPerNegotiatedTimeout() {
        assertTrue(lease.renew());
        assertEquals(Duration.ofSeconds(1), lease.renewalPeriod(Duration.ofSeconds(60)));
    }
}
