package io.cairn.scsi;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/** An in-memory {@link ScsiContextStore} for tests: updates apply at once under a lock. */
public final class MemoryScsiContextStore implements ScsiContextStore {

    private final Map<String, ScsiContext> contexts = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<ScsiContext>>> listeners = new ConcurrentHashMap<>();
    public int writes;
    /** What the core registered with {@link #addApplyStep}; run on every write before it completes, as ZkScsiContextStore's updateEverywhere waits for them. */
    public final List<ApplyStep> applySteps = new CopyOnWriteArrayList<>();

    @Override
    public void addApplyStep(ApplyStep step) {
        applySteps.add(step);
    }

    /** False simulates a gateway that lost its ZooKeeper session (fail closed). */
    public volatile boolean current = true;

    @Override
    public boolean isCurrent(String lunId) {
        return current;
    }

    @Override
    public ScsiContext current(String lunId) {
        return contexts.getOrDefault(lunId, ScsiContext.EMPTY);
    }

    @Override
    public synchronized <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change) {
        try {
            ScsiContext before = current(lunId);
            Update<R> u = change.apply(before);
            if (u.next() == null) {
                return CompletableFuture.completedFuture(u.result());
            }
            contexts.put(lunId, u.next());
            writes++;
            listeners.getOrDefault(lunId, List.of()).forEach(l -> l.accept(u.next()));
            CompletableFuture<?>[] steps = applySteps.stream().map(st -> st.apply(lunId, before, u.next()))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(steps).thenApply(v -> u.result());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void addListener(String lunId, Consumer<ScsiContext> listener) {
        listeners.computeIfAbsent(lunId, l -> new CopyOnWriteArrayList<>()).add(listener);
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        contexts.remove(lunId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
}
