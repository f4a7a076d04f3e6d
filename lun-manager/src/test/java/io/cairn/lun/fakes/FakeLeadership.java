package io.cairn.lun.fakes;

import io.cairn.coord.cluster.Leadership;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Leadership a test grants and takes away. */
public final class FakeLeadership implements Leadership {
    private volatile boolean leader;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();

    public FakeLeadership(boolean leader) {
        this.leader = leader;
    }

    public void set(boolean value) {
        leader = value;
        listeners.forEach(l -> l.accept(value));
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
    }
}
