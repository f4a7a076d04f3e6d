package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link LunCatalog} held in this process, for other modules' tests: the same semantics as the
 * ZooKeeper catalog (create-if-absent, update-if-present, listeners on every change), with
 * {@link #setReachable} to play a lost ZooKeeper.
 */
public final class InMemoryLunCatalog implements LunCatalog {

    private final Map<String, LunDefinition> luns = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean reachable = true;

    /** While false, every operation fails with {@link CoordinationUnavailableException}, as with ZooKeeper down. */
    public void setReachable(boolean value) {
        reachable = value;
    }

    @Override
    public Optional<LunDefinition> get(String id) {
        return Optional.ofNullable(luns.get(id));
    }

    @Override
    public List<LunDefinition> list() {
        return luns.values().stream().sorted(Comparator.comparing(LunDefinition::id)).toList();
    }

    @Override
    public LunDefinition create(LunDefinition lun) throws LunExistsException {
        requireReachable("create LUN " + lun.id());
        if (luns.putIfAbsent(lun.id(), lun) != null) throw new LunExistsException(lun.id());
        changed(lun.id());
        return lun;
    }

    @Override
    public LunDefinition update(LunDefinition lun) throws NoSuchLunException {
        requireReachable("update LUN " + lun.id());
        if (luns.computeIfPresent(lun.id(), (id, old) -> lun) == null) throw new NoSuchLunException(lun.id());
        changed(lun.id());
        return lun;
    }

    @Override
    public void delete(String id) throws NoSuchLunException {
        requireReachable("delete LUN " + id);
        if (luns.remove(id) == null) throw new NoSuchLunException(id);
        changed(id);
    }

    @Override
    public void addListener(Consumer<String> changedLunId) {
        listeners.add(Objects.requireNonNull(changedLunId));
    }

    private void changed(String id) {
        listeners.forEach(l -> l.accept(id));
    }

    private void requireReachable(String what) {
        if (!reachable) throw new CoordinationUnavailableException("cannot " + what + ": coordination unreachable", null);
    }
}
