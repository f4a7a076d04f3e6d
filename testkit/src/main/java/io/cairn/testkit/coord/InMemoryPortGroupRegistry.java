package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.cluster.PortGroupRecord;
import io.cairn.coord.cluster.PortGroupRegistry;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every gateway's target port group held in this process, for other modules' tests: one instance
 * stands for the cluster's shared state, and {@link #process()} gives each simulated gateway its
 * own {@link PortGroupRegistry}, which withdraws what it published when closed (as a ZooKeeper
 * session's ephemeral nodes go). Listeners of every process hear every change, in the order the
 * changes were made, on the thread that made them.
 */
public final class InMemoryPortGroupRegistry {

    private final Map<String, PortGroupRecord> groups = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean reachable = true;

    /** While false, publish fails with {@link CoordinationUnavailableException}; reads still answer. */
    public void setReachable(boolean value) {
        reachable = value;
    }

    /** A new simulated process's registry over the shared state. */
    public PortGroupRegistry process() {
        return new Process();
    }

    private synchronized void put(PortGroupRecord group) {
        if (!reachable) {
            throw new CoordinationUnavailableException("cannot publish the group of " + group.gatewayId()
                    + ": coordination unreachable", null);
        }
        groups.put(group.gatewayId(), group);
        listeners.forEach(l -> l.accept(group.gatewayId()));
    }

    private synchronized void remove(String gatewayId) {
        if (groups.remove(gatewayId) != null) {
            listeners.forEach(l -> l.accept(gatewayId));
        }
    }

    private final class Process implements PortGroupRegistry {
        private final Set<String> mine = new HashSet<>();
        private final List<Consumer<String>> own = new CopyOnWriteArrayList<>();

        @Override
        public void addListener(Consumer<String> onChange) {
            Consumer<String> l = Objects.requireNonNull(onChange, "onChange");
            own.add(l);
            listeners.add(l);
        }

        @Override
        public void publish(PortGroupRecord group) {
            put(group);
            synchronized (mine) {
                mine.add(group.gatewayId());
            }
        }

        @Override
        public void withdraw(String gatewayId) {
            synchronized (mine) {
                mine.remove(gatewayId);
            }
            remove(gatewayId);
        }

        @Override
        public List<PortGroupRecord> groups() {
            return groups.values().stream().sorted(Comparator.comparingInt(PortGroupRecord::groupId)).toList();
        }

        @Override
        public void close() {
            listeners.removeAll(own);
            List<String> published;
            synchronized (mine) {
                published = List.copyOf(mine);
                mine.clear();
            }
            published.forEach(InMemoryPortGroupRegistry.this::remove);
        }
    }
}
