package io.cairn.coord.session;

import io.cairn.coord.CoordinationUnavailableException;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How long this process may still trust what its ZooKeeper session showed it, measured on its own
 * clock rather than on Curator's connection events. Those events come from the client's I/O thread
 * and arrive late, or not at all, when the whole process was paused (GC, SIGSTOP, a frozen VM):
 * on resuming, other threads may serve commands from a stale copy before that thread has noticed
 * that the servers already expired the session and others changed shared state without us.
 *
 * <p>The rule: the lease is current while {@code now < send + sessionTimeout / 2}, where
 * {@code send} is the time, on this process's monotonic clock, at which the last successful round
 * trip was sent and {@code sessionTimeout} is the timeout the servers negotiated. Why that is
 * safe: a server expires a session no earlier than {@code sessionTimeout} after it last heard
 * from the client (ZooKeeper expires in tick buckets, always rounding up), and a request we sent
 * at {@code send} was heard at or after {@code send}; so until {@code send + sessionTimeout} our
 * session, with its ephemeral nodes (the gateway's membership that makes a reservation change wait
 * for it), is certainly alive. We use only half of that: the other half covers a command admitted
 * just before the deadline and still in flight, rate differences between the clocks of this host
 * and the servers, and, in an ensemble, the server we talk to relaying our heartbeat to the leader
 * (each half tick; a follower cut off from the leader drops its clients after syncLimit ticks,
 * which a deployment keeps well below half the session timeout).
 *
 * <p>Renewal ({@link #renew()}) is a cheap read, {@link #RENEWALS_PER_TIMEOUT} times per session
 * timeout, so two renewals in a row may fail or be slow before the lease lapses.
 *
 * <p>Transitions are reported to a {@link Listener} on the renewing thread: {@link Listener#lapsed()}
 * once when a renewal finds the lease expired, and {@link Listener#regained()} after the next
 * successful one. A lapse noticed only at the moment of renewal is still reported before the new
 * deadline is installed, so a listener that closes a gate on {@code lapsed} never leaves a moment
 * where the gate is open on a renewed lease that followed an unnoticed lapse.
 */
public final class SessionLease {

    /** The share of the negotiated session timeout the lease counts on: see the class comment. */
    static final int TIMEOUT_DIVISOR = 2;
    /** Renewals per session timeout: three per lease term. */
    static final int RENEWALS_PER_TIMEOUT = 6;

    /** One cheap request to ZooKeeper, answered by the session {@link Answer} names. */
    @FunctionalInterface
    public interface RoundTrip {
        /** @throws CoordinationUnavailableException when no answer came (connection lost, session expired) */
        Answer call() throws CoordinationUnavailableException;
    }

    /** The session that answered and the timeout the servers negotiated for it. */
    public record Answer(long sessionId, Duration negotiatedTimeout) {
        public Answer {
            Objects.requireNonNull(negotiatedTimeout, "negotiatedTimeout");
        }
    }

    /** Lease transitions, called on the renewing thread. */
    public interface Listener {
        void lapsed();

        void regained();
    }

    /** One granted term: valid until {@code deadline}, from an answer of {@code sessionId}. */
    private record Term(long deadline, long sessionId, long sessionTimeoutNanos) {}

    private final RoundTrip roundTrip;
    private final LongSupplier nanoClock;
    private final Listener listener;
    /** Null until the first successful round trip, and from a reported lapse to the next one. */
    private volatile Term term;
    /** Whether {@link Listener#lapsed()} was reported and {@link Listener#regained()} not yet; renewer only. */
    private boolean lapsed;

    /** @param nanoClock monotonic nanoseconds, {@link System#nanoTime} in production */
    public SessionLease(RoundTrip roundTrip, LongSupplier nanoClock, Listener listener) {
        this.roundTrip = Objects.requireNonNull(roundTrip, "roundTrip");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** True while the last successful round trip still vouches for the session (see the class comment). */
    public boolean isCurrent() {
        Term t = term;
        return t != null && nanoClock.getAsLong() - t.deadline() < 0;
    }

    /** Time between renewals: a sixth of the negotiated session timeout, or of {@code fallback} before any. */
    public Duration renewalPeriod(Duration fallback) {
        Term t = term;
        long timeout = t == null ? fallback.toNanos() : t.sessionTimeoutNanos();
        return Duration.ofNanos(Math.max(1, timeout / RENEWALS_PER_TIMEOUT));
    }

    /**
     * One renewal: reports a lapse that already happened, makes one round trip and, if it succeeded
     * in time, extends the lease from the moment the request was sent. Call from one thread only.
     *
     * @return whether the lease is current afterwards
     */
    public synchronized boolean renew() {
        Term before = term;
        if (before != null && !lapsed && nanoClock.getAsLong() - before.deadline() >= 0) {
            reportLapse();
        }
        long sent = nanoClock.getAsLong();
        Answer answer;
        try {
            answer = roundTrip.call();
        } catch (CoordinationUnavailableException e) {
            return isCurrent();
        }
        long timeout = answer.negotiatedTimeout().toNanos();
        long deadline = sent + timeout / TIMEOUT_DIVISOR;
        if (timeout <= 0 || nanoClock.getAsLong() - deadline >= 0) {
            // answered too late to vouch for anything: the lease stays as it is (lapsed by now)
            if (before != null && !lapsed && !isCurrent()) {
                reportLapse();
            }
            return isCurrent();
        }
        if (before != null && !lapsed
                && (nanoClock.getAsLong() - before.deadline() >= 0 || before.sessionId() != answer.sessionId())) {
            // expired while we waited for the answer, or a new session answered: whatever the old
            // term vouched for is gone, so the holder must catch up as after any lapse
            reportLapse();
        }
        term = new Term(deadline, answer.sessionId(), timeout);
        if (lapsed) {
            lapsed = false;
            listener.regained();
        }
        return true;
    }

    private void reportLapse() {
        lapsed = true;
        term = null; // whatever the old term vouched for is void, even if its deadline is not yet reached
        listener.lapsed();
    }
}
