package io.cairn.iscsi.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every session of this gateway, by TSIH: allocation of TSIHs (never 0, RFC 7143 11.12.6), a bound
 * on the number of sessions, and reinstatement by initiator name and ISID (RFC 7143 6.3.5).
 * Thread-safe.
 */
public final class SessionRegistry {

    private final int maxSessions;
    private final ConcurrentHashMap<Integer, IscsiSession> byTsih = new ConcurrentHashMap<>();
    private final AtomicInteger nextTsih = new AtomicInteger(1);

    public SessionRegistry(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** A free TSIH, or empty when the session limit is reached. */
    public synchronized Optional<Integer> reserveTsih() {
        if (byTsih.size() >= maxSessions) {
            return Optional.empty();
        }
        for (int i = 0; i < 65535; i++) {
            int t = nextTsih.getAndUpdate(v -> v >= 65535 ? 1 : v + 1);
            if (!byTsih.containsKey(t)) {
                byTsih.put(t, PLACEHOLDER);
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Installs the session under its reserved TSIH, returning sessions it reinstates (to be closed). */
    public synchronized List<IscsiSession> register(IscsiSession session) {
        List<IscsiSession> replaced = new ArrayList<>();
        if (!session.discovery()) {
            for (IscsiSession s : byTsih.values()) {
                if (s != PLACEHOLDER && s.tsih() != session.tsih()
                        && s.sameIdentity(session.initiatorName(), session.isid(), session.targetName())) {
                    replaced.add(s);
                }
            }
        }
        replaced.forEach(s -> byTsih.remove(s.tsih(), s));
        byTsih.put(session.tsih(), session);
        return replaced;
    }

    public void remove(IscsiSession session) {
        byTsih.remove(session.tsih(), session);
    }

    public int size() {
        return byTsih.size();
    }

    public List<IscsiSession> sessions() {
        List<IscsiSession> out = new ArrayList<>();
        for (IscsiSession s : byTsih.values()) {
            if (s != PLACEHOLDER) {
                out.add(s);
            }
        }
        return out;
    }

    private static final IscsiSession PLACEHOLDER =
            new IscsiSession(0, new byte[6], "", null, 0, 0, true, null);
}
