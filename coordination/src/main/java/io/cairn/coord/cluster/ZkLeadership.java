package io.cairn.coord.cluster;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Leadership of one group over Curator's {@link LeaderLatch} at {@code /leader/<group>}.
 *
 * <p>Fails closed (architecture.md "Consistency invariants"): this process is leader only while the
 * latch holds leadership <em>and</em> the session is connected. On SUSPENDED it stops being
 * leader at once, before ZooKeeper has decided anything, because while it cannot reach
 * ZooKeeper it cannot know whether its session (and so its latch node) still exists; after
 * RECONNECTED it leads again only if the latch says so.
 *
 * <p>Listeners hear each change exactly once, in order, on this object's own notifier thread, so
 * a slow listener never holds up Curator's threads.
 */
public final class ZkLeadership implements Leadership {

    private static final Logger log = LoggerFactory.getLogger(ZkLeadership.class);
    static final String LEADER = "/leader";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final ZkSession session;
    private final String group;
    private final LeaderLatch latch;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;
    /** The state last handed to listeners; guarded by {@code this}. */
    private boolean reported;
    private volatile boolean closed;

    private ZkLeadership(ZkSession session, String group, String participantId) {
        this.session = session;
        this.group = group;
        this.latch = new LeaderLatch(session.curator(), LEADER + "/" + group, participantId);
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-leadership-" + group);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the election of {@code group} as {@code participantId}; leadership may arrive any time
     * after. Use {@code Coordination.openLeadership}.
     *
     * @throws CoordinationUnavailableException if the latch could not be started
     */
    public static ZkLeadership open(ZkSession session, String group, String participantId) {
        Objects.requireNonNull(session, "session");
        if (!NAME.matcher(Objects.requireNonNull(group, "group")).matches()) {
            throw new IllegalArgumentException("group must be letters, digits, '.', '_' or '-': " + group);
        }
        Objects.requireNonNull(participantId, "participantId");
        ZkLeadership leadership = new ZkLeadership(session, group, participantId);
        leadership.latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                leadership.recompute();
            }

            @Override
            public void notLeader() {
                leadership.recompute();
            }
        });
        session.addConnectionListener(leadership::sessionChanged);
        try {
            leadership.latch.start();
        } catch (Exception e) {
            leadership.close();
            throw new CoordinationUnavailableException("cannot join the election of " + group + ": " + e, e);
        }
        return leadership;
    }

    @Override
    public boolean isLeader() {
        return !closed && session.isConnected() && latch.hasLeadership();
    }

    @Override
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void sessionChanged(SessionState state) {
        if (!state.isConnected() && reported) {
            log.warn("leadership of {} given up: ZooKeeper session {}", group, state);
        }
        recompute();
    }

    /** Hands listeners the current state if it differs from the last one they heard. */
    private synchronized void recompute() {
        boolean now = isLeader();
        if (now == reported) return;
        reported = now;
        try {
            notifier.execute(() -> tell(now));
        } catch (RejectedExecutionException e) {
            // closed: close() already told listeners that leadership ended
        }
    }

    private void tell(boolean leader) {
        for (Consumer<Boolean> listener : listeners) {
            try {
                listener.accept(leader);
            } catch (RuntimeException e) {
                log.error("leadership listener failed on {}", leader, e);
            }
        }
    }

    /** Leaves the election; a leader reports the end of its leadership to listeners first. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            recompute();
        }
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | RuntimeException e) {
            log.debug("closing leader latch of {} failed", group, e);
        }
        notifier.shutdown();
        try {
            if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) notifier.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notifier.shutdownNow();
        }
    }
}
