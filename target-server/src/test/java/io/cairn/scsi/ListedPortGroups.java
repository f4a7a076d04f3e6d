package io.cairn.scsi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Port groups for tests: a list the test sets, as a cluster's watched registry would hold it. */
public final class ListedPortGroups implements PortGroups {

    private volatile List<PortGroup> groups;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ListedPortGroups(PortGroup... groups) {
        this.groups = List.of(groups);
    }

    /** Replaces the groups and tells the listeners, as the watch would. */
    public void set(PortGroup... next) {
        List<PortGroup> sorted = new ArrayList<>(List.of(next));
        sorted.sort(Comparator.comparingInt(PortGroup::id));
        groups = List.copyOf(sorted);
        listeners.forEach(Runnable::run);
    }

    @Override
    public List<PortGroup> groups(ItNexus asking) {
        return groups;
    }

    @Override
    public AluaState stateOf(int groupId) {
        return groups.stream().filter(g -> g.id() == groupId).map(PortGroup::state).findFirst()
                .orElse(AluaState.UNAVAILABLE);
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
