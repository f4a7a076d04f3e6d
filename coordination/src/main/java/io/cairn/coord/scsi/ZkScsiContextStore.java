package io.cairn.coord.scsi;

import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import io.cairn.coord.znode.ZNodeWriter;
import io.cairn.coord.znode.ZNodeWriter.Decision;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * SCSI contexts in ZooKeeper: one JSON document ({@link ScsiContextCodec}) per LUN at
 * {@code /luns/<id>/scsi-context}; no node means {@link ScsiContext#EMPTY}.
 *
 * <p>{@link #current} reads a local copy of every LUN's context, primed before {@link #open}
 * returns and kept current by a watch. {@link #update} is a {@link ZNodeWriter} compare-and-set
 * on the znode version, on one writer thread per store. Each attempt applies the change to the
 * document read fresh from ZooKeeper (sync, then read), never to the local copy, which may lag a
 * peer's write: a change whose answer is "nothing to write" (a RESERVATION CONFLICT) is thereby
 * decided on the latest state too. On a conflict it applies the change again, at most {@code maxAttempts} times. The future
 * completes after ZooKeeper acknowledged the write and the local copy holds it, so the caller's
 * next {@link #current} sees its own change.
 *
 * <p>Context versions ({@link VersionedScsiContextStore}) are the znode's modification zxid:
 * unlike the znode data version they keep growing when a LUN's document is deleted and created
 * again. The local copy's version is what {@link #addAppliedListener} reports.
 *
 * <p>A new version counts as applied once every {@link #addApplyStep apply step} has finished
 * with it; versions of one LUN count as applied in order, so a later version is never reported
 * before the work an earlier one asked for is done.
 */
public final class ZkScsiContextStore extends ZNodeStore implements VersionedScsiContextStore {

    private static final Logger log = LoggerFactory.getLogger(ZkScsiContextStore.class);
    public static final int DEFAULT_MAX_ATTEMPTS = 32;

    private final Map<String, List<Consumer<ScsiContext>>> listeners = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Long>> appliedListeners = new CopyOnWriteArrayList<>();
    private final List<ApplyStep> applySteps = new CopyOnWriteArrayList<>();
    /** Per LUN, the context last handed to the listeners; touched only on the watch's thread. */
    private final Map<String, ScsiContext> handed = new ConcurrentHashMap<>();
    /** Per LUN, completes when the version last handed out counts as applied; touched only on the watch's thread. */
    private final Map<String, CompletableFuture<Void>> applying = new ConcurrentHashMap<>();
    /** Per LUN, the version last reported applied; written in version order, see {@link #changed}. */
    private final Map<String, Long> applied = new ConcurrentHashMap<>();
    private final ZNodeMirror<ScsiContext> mirror;
    private final ZNodeWriter<ScsiContext> writer;

    private ZkScsiContextStore(ZkSession session, int maxAttempts) {
        super(session);
        this.mirror = watch(LunNode.LUNS, LunNode.SCSI_CONTEXT::lunOf, ScsiContextCodec::decode, this::changed);
        this.writer = writer(mirror, ScsiContextCodec::encode, "SCSI context store", "scsi-context-writer", maxAttempts);
    }

    /** Opens the store and reads every LUN's context; use {@code Coordination.openScsiContextStore}. */
    public static ZkScsiContextStore open(ZkSession session) {
        return open(session, DEFAULT_MAX_ATTEMPTS);
    }

    /** @param maxAttempts how often one update is applied before it gives up on a contended context */
    public static ZkScsiContextStore open(ZkSession session, int maxAttempts) {
        ZkScsiContextStore store = new ZkScsiContextStore(session, maxAttempts);
        store.prime();
        return store;
    }

    static String contextPath(String lunId) {
        return LunNode.SCSI_CONTEXT.path(lunId);
    }

    /** @throws CoordinationUnavailableException if the stored context cannot be decoded (fail closed) */
    @Override
    public ScsiContext current(String lunId) {
        return contextOf(lunId, mirror.get(lunId));
    }

    private ScsiContext contextOf(String lunId, ZNodeMirror.Entry<ScsiContext> entry) {
        if (entry == null || !entry.present()) return ScsiContext.EMPTY;
        if (entry.value() == null) {
            throw new CoordinationUnavailableException("unreadable SCSI context of LUN " + lunId + ": "
                    + entry.error(), null);
        }
        return entry.value();
    }

    @Override
    public <R> CompletableFuture<R> update(String lunId, Function<ScsiContext, Update<R>> change) {
        return updateVersioned(lunId, change).thenApply(Written::result);
    }

    /** {@inheritDoc} The version is the znode's modification zxid. */
    @Override
    public <R> CompletableFuture<Written<R>> updateVersioned(String lunId, Function<ScsiContext, Update<R>> change) {
        Objects.requireNonNull(change, "change");
        return writer.submit("update", subject(lunId), result -> apply(lunId, change, result));
    }

    /**
     * This process alone (the single-node appliance; a cluster gateway waits for every gateway's
     * acknowledgement instead, ClusterScsiContexts): completes once this process has
     * applied the version written or decided on, apply steps included, so a PREEMPT AND ABORT
     * completes after its aborts. Fails after {@link #APPLY_TIMEOUT} (the watch did not deliver).
     */
    @Override
    public <R> CompletableFuture<R> updateEverywhere(String lunId, Function<ScsiContext, Update<R>> change) {
        return updateVersioned(lunId, change).thenCompose(w -> awaitApplied(lunId, w.version()).thenApply(v -> w.result()));
    }

    /** How long {@link #updateEverywhere} waits for this process to apply its own write. */
    static final Duration APPLY_TIMEOUT = Duration.ofSeconds(10);

    private CompletableFuture<Void> awaitApplied(String lunId, long version) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        BiConsumer<String, Long> listener = (lun, applied) -> {
            if (lun.equals(lunId) && applied >= version) done.complete(null);
        };
        appliedListeners.add(listener);
        if (appliedVersion(lunId) >= version) done.complete(null);
        return done.orTimeout(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> appliedListeners.remove(listener));
    }

    /**
     * {@inheritDoc} Here: the version last handed to the LUN's listeners and applied listeners
     * (so it may trail, briefly, what {@link #current} already answers); 0 before any or after a delete.
     */
    @Override
    public long appliedVersion(String lunId) {
        return applied.getOrDefault(lunId, 0L);
    }

    /** The LUN ids whose context this process has applied (not deleted). No I/O. */
    public Set<String> appliedLunIds() {
        Set<String> ids = new TreeSet<>();
        applied.forEach((id, version) -> {
            if (version > 0) ids.add(id);
        });
        return ids;
    }

    private static long versionOf(ZNodeMirror.Entry<?> entry) {
        return entry == null || !entry.present() ? 0 : entry.mzxid();
    }

    /** {@inheritDoc} Runs on the writer thread, after updates submitted before it. */
    @Override
    public CompletableFuture<ScsiContext> fresh(String lunId) {
        return writer.submit("read", subject(lunId), result -> {
            if (!session.isConnected()) {
                result.completeExceptionally(writer.notConnected("read", subject(lunId)));
                return;
            }
            result.complete(contextOf(lunId, readFresh(lunId)));
        });
    }

    /**
     * Called with a LUN id and the version of its context each time the local copy advances, after
     * that LUN's {@link #addListener listeners} have run and its {@link #addApplyStep apply steps}
     * have finished: from then on this process acts on that version. Runs on the watch's thread, or
     * on the thread that finished the last apply step; per LUN in version order, never concurrently. Not called for an undecodable document (this process
     * fails closed on it, so it has not applied it). A deleted context reports version 0.
     */
    public void addAppliedListener(BiConsumer<String, Long> listener) {
        appliedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void addApplyStep(ApplyStep step) {
        applySteps.add(Objects.requireNonNull(step, "step"));
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        return writer.submit("delete", subject(lunId), result -> remove(lunId, result));
    }

    @Override
    public void addListener(String lunId, Consumer<ScsiContext> listener) {
        listeners.computeIfAbsent(lunId, id -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(listener));
    }

    private static String subject(String lunId) {
        return "SCSI context of LUN " + lunId;
    }

    /** Runs on the writer thread. */
    private <R> void apply(String lunId, Function<ScsiContext, Update<R>> change, CompletableFuture<Written<R>> result) {
        writer.update(lunId, contextPath(lunId), subject(lunId), () -> readFresh(lunId), seen -> {
            Update<R> update = change.apply(contextOf(lunId, seen));
            if (update == null) throw new NullPointerException("change returned null for LUN " + lunId);
            if (update.next() == null) return Decision.unchanged(new Written<>(update.result(), versionOf(seen)));
            return Decision.write(update.next(), stat -> new Written<>(update.result(), stat.getMzxid()));
        }, result);
    }

    /**
     * The node as ZooKeeper holds it after a sync, into the local copy: every decision on a context
     * is made on the latest document, which the watch may not have brought yet.
     */
    private ZNodeMirror.Entry<ScsiContext> readFresh(String lunId) {
        return syncAndReadFresh(mirror, lunId, contextPath(lunId), subject(lunId));
    }

    /** Runs on the writer thread. */
    private void remove(String lunId, CompletableFuture<Void> result) {
        String path = contextPath(lunId);
        try {
            Stat stat = curator.checkExists().forPath(path);
            if (stat != null) {
                curator.delete().forPath(path);
                mirror.deleted(lunId, stat.getCzxid());
            }
            result.complete(null);
        } catch (KeeperException.NoNodeException e) {
            result.complete(null);
        } catch (Exception e) {
            result.completeExceptionally(writer.unavailable("delete", subject(lunId), e));
        }
    }

    /** Runs on the watch's thread. */
    private void changed(String lunId, ZNodeMirror.Entry<ScsiContext> entry) {
        if (entry.present() && entry.value() == null) return;
        ScsiContext context = entry.present() ? entry.value() : ScsiContext.EMPTY;
        for (Consumer<ScsiContext> listener : listeners.getOrDefault(lunId, List.of())) {
            try {
                listener.accept(context);
            } catch (RuntimeException e) {
                log.error("SCSI context listener failed for LUN {}", lunId, e);
            }
        }
        ScsiContext before = handed.getOrDefault(lunId, ScsiContext.EMPTY);
        handed.put(lunId, context);
        long version = versionOf(entry);
        CompletableFuture<Void> steps = runApplySteps(lunId, version, before, context);
        CompletableFuture<Void> previous = applying.getOrDefault(lunId, CompletableFuture.completedFuture(null));
        // In order: this version is reported only after the earlier ones (and their steps) are.
        CompletableFuture<Void> done = previous.thenCompose(v -> steps).thenRun(() -> reportApplied(lunId, version));
        applying.put(lunId, done);
    }

    /** Never completes exceptionally: a failed step is logged and the version still counts as applied. */
    private CompletableFuture<Void> runApplySteps(String lunId, long version, ScsiContext before, ScsiContext after) {
        return ApplyStep.runAll(applySteps, lunId, before, after).handle((v, e) -> {
            if (e != null) log.error("applying version {} of LUN {}'s SCSI context failed", version, lunId, e);
            return null;
        });
    }

    /** Runs on the watch's thread or, after an apply step that did not finish at once, on the thread that finished it. */
    private void reportApplied(String lunId, long version) {
        applied.put(lunId, version);
        for (BiConsumer<String, Long> listener : appliedListeners) {
            try {
                listener.accept(lunId, version);
            } catch (RuntimeException e) {
                log.error("applied-version listener failed for LUN {}", lunId, e);
            }
        }
    }
}
