package io.cairn.testkit.coord;

import io.cairn.coord.cluster.Leadership;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link Leadership} a test sets by hand ({@link #setLeader}), e.g. to make a control plane take
 * over or step down. Listeners run on the thread that changed it, once per change.
 */
public final class InMemoryLeadership implements Leadership {

    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private boolean leader;
    private boolean closed;

    public InMemoryLeadership() {
        this(false);
    }

    public InMemoryLeadership(boolean leader) {
        this.leader = leader;
    }

    /** Makes this process leader or not; listeners hear it only if it changed. Ignored once closed. */
    public void setLeader(boolean value) {
        synchronized (this) {
            if (closed || leader == value) return;
            leader = value;
        }
        listeners.forEach(l -> l.accept(value));
    }

    @Override
    public synchronized boolean isLeader() {
        return leader;
    }

    @Override
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Leaves the election: a leader steps down and listeners hear it. */
    @Override
    public void close() {
        setLeader(false);
        synchronized (this) {
            closed = true;
        }
    }
}
