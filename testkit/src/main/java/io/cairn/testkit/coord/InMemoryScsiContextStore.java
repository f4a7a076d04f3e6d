package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.coord.scsi.VersionedScsiContextStore;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link ScsiContextStore} held in this process, for other modules' tests. Like the ZooKeeper
 * store, every change is a compare-and-set on a versioned document, re-applied on a conflict, so
 * a change function that is not pure misbehaves here as it would there. Listeners and
 * {@link #addApplyStep apply steps} run on the updating thread; an update's future completes once
 * the apply steps have finished with the version it wrote, as the ZooKeeper store's
 * {@code updateEverywhere} waits for them (so a SCSI core's PREEMPT AND ABORT completes only after
 * its aborts). {@link #setReachable} plays a lost ZooKeeper.
 */
public final class InMemoryScsiContextStore implements VersionedScsiContextStore {

    private static final int MAX_ATTEMPTS = 10_000;

    /** A stored document and the store-wide sequence number of the write that made it. */
    private record Versioned(ScsiContext context, long version) {}

    private final Map<String, Versioned> contexts = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<ScsiContext>>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Long> notifiedVersion = new ConcurrentHashMap<>();
    private final List<ApplyStep> applySteps = new CopyOnWriteArrayList<>();
    /** Never reused, even across a delete, so a compare-and-set cannot mistake a new document for an old one. */
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean reachable = true;
    private volatile boolean closed;

    /**
     * While false, updates and deletes fail with {@link CoordinationUnavailableException}, current()
     * still answers, and {@link #isCurrent} is false: a process cut off from ZooKeeper cannot know
     * its copy is current (architecture.md "Consistency invariants": fail closed).
     */
    public void setReachable(boolean value) {
        reachable = value;
    }

    @Override
    public boolean isCurrent(String lunId) {
        return reachable;
    }

    @Override
    public void addApplyStep(ApplyStep step) {
        applySteps.add(Objects.requireNonNull(step, "step"));
    }

    @Override
    public ScsiContext current(String lunId) {
        Versioned v = contexts.get(lunId);
        return v == null ? ScsiContext.EMPTY : v.context();
    }

    @Override
    public <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change) {
        return updateVersioned(lunId, change).thenApply(Written::result);
    }

    /** {@inheritDoc} The version is the store-wide number of the write (0: never written or deleted). */
    @Override
    public long appliedVersion(String lunId) {
        Versioned v = contexts.get(lunId);
        return v == null ? 0 : v.version();
    }

    /** There is only one copy here, so this is {@link #current}, unless unreachable. */
    @Override
    public CompletableFuture<ScsiContext> fresh(String lunId) {
        try {
            requireReachable("read", lunId);
        } catch (CoordinationUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(current(lunId));
    }

    @Override
    public <R> CompletableFuture<Written<R>> updateVersioned(String lunId, Function<ScsiContext, Update<R>> change) {
        Objects.requireNonNull(change, "change");
        try {
            requireReachable("update", lunId);
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Versioned seen = contexts.get(lunId);
                Update<R> update = change.apply(seen == null ? ScsiContext.EMPTY : seen.context());
                if (update == null) throw new NullPointerException("change returned null for LUN " + lunId);
                if (update.next() == null) {
                    return CompletableFuture.completedFuture(new Written<>(update.result(), seen == null ? 0 : seen.version()));
                }
                Versioned next = new Versioned(update.next(), writes.incrementAndGet());
                boolean written = seen == null
                        ? contexts.putIfAbsent(lunId, next) == null
                        : contexts.replace(lunId, seen, next);
                if (written) {
                    notifyListeners(lunId);
                    Written<R> done = new Written<>(update.result(), next.version());
                    return runApplySteps(lunId, seen == null ? ScsiContext.EMPTY : seen.context(), update.next())
                            .thenApply(v -> done);
                }
            }
            throw new IllegalStateException("SCSI context of LUN " + lunId + " contended " + MAX_ATTEMPTS + " times");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void addListener(String lunId, Consumer<ScsiContext> listener) {
        listeners.computeIfAbsent(lunId, id -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(listener));
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        try {
            requireReachable("delete", lunId);
        } catch (CoordinationUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        Versioned removed = contexts.remove(lunId);
        if (removed == null) {
            return CompletableFuture.completedFuture(null);
        }
        writes.incrementAndGet(); // the delete is a write: listeners and apply steps hear of it once
        notifyListeners(lunId);
        return runApplySteps(lunId, removed.context(), ScsiContext.EMPTY);
    }

    /**
     * Runs every apply step on the version that replaced {@code before}. Never completes
     * exceptionally: as in the ZooKeeper store, a version counts as applied once its steps have
     * finished, normally or not.
     */
    private CompletableFuture<Void> runApplySteps(String lunId, ScsiContext before, ScsiContext after) {
        return ApplyStep.runAll(applySteps, lunId, before, after).handle((v, e) -> null);
    }

    /** Hands listeners the latest document, at most once per version and never an older one after a newer. */
    private void notifyListeners(String lunId) {
        List<Consumer<ScsiContext>> forLun = listeners.get(lunId);
        if (forLun == null) return;
        synchronized (forLun) {
            Versioned now = contexts.get(lunId);
            long version = now == null ? writes.get() : now.version();
            long last = notifiedVersion.getOrDefault(lunId, 0L);
            if (version <= last) return;
            notifiedVersion.put(lunId, version);
            ScsiContext context = now == null ? ScsiContext.EMPTY : now.context();
            forLun.forEach(l -> l.accept(context));
        }
    }

    private void requireReachable(String what, String lunId) {
        if (closed) throw new CoordinationUnavailableException("SCSI context store is closed", null);
        if (!reachable) {
            throw new CoordinationUnavailableException("cannot " + what + " SCSI context of LUN " + lunId
                    + ": coordination unreachable", null);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
