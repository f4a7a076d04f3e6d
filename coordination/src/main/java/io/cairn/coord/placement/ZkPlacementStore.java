package io.cairn.coord.placement;

import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import io.cairn.coord.znode.ZNodeWriter;
import io.cairn.coord.znode.ZNodeWriter.Decision;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Sub-unit placements in ZooKeeper: one JSON document ({@link SubUnitPlacementCodec}) per sub-unit
 * at {@code /luns/<lunId>/placement/<index>}.
 *
 * <p>Reads come from a local copy of every LUN's placements, primed before {@link #open} returns
 * and kept current by a watch. {@link #update} is a {@link ZNodeWriter} compare-and-set: on one
 * writer thread per store, on the node as ZooKeeper holds it, applied again on a conflict at most
 * {@code maxAttempts} times. This is what makes an epoch bump safe: two processes that
 * both move a primary cannot both win with the same epoch. The future completes after ZooKeeper
 * acknowledged the write and the local copy holds it.
 */
public final class ZkPlacementStore extends ZNodeStore implements PlacementStore {

    private static final Logger log = LoggerFactory.getLogger(ZkPlacementStore.class);
    public static final int DEFAULT_MAX_ATTEMPTS = 64;

    private final List<Consumer<SubUnitPlacement>> listeners = new CopyOnWriteArrayList<>();
    /** Keys are {@code <lunId>/<index>}. */
    private final ZNodeMirror<SubUnitPlacement> mirror;
    /** Per LUN, every index ever seen, so {@link #list} need not scan other LUNs. */
    private final Map<String, NavigableSet<Integer>> indices = new ConcurrentHashMap<>();
    private final ZNodeWriter<SubUnitPlacement> writer;

    private ZkPlacementStore(ZkSession session, int maxAttempts) {
        super(session);
        this.mirror = watch(LunNode.LUNS, this::keyOfPath, SubUnitPlacementCodec::decode, this::changed);
        this.writer = writer(mirror, SubUnitPlacementCodec::encode, "placement store", "placement-writer", maxAttempts);
    }

    /** Opens the store and reads every placement; use {@code Coordination.openPlacementStore}. */
    public static ZkPlacementStore open(ZkSession session) {
        return open(session, DEFAULT_MAX_ATTEMPTS);
    }

    /** @param maxAttempts how often one update is applied before it gives up on a contended sub-unit */
    public static ZkPlacementStore open(ZkSession session, int maxAttempts) {
        ZkPlacementStore store = new ZkPlacementStore(session, maxAttempts);
        store.prime();
        return store;
    }

    static String placementsPath(String lunId) {
        return LunNode.PLACEMENT.path(lunId);
    }

    static String placementPath(String lunId, int index) {
        return LunNode.PLACEMENT.path(lunId, Integer.toString(index));
    }

    private static String key(String lunId, int index) {
        return lunId + "/" + index;
    }

    private String keyOfPath(String path) {
        LunNode.Member member = LunNode.PLACEMENT.memberOf(path);
        if (member == null || !member.name().chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        int index;
        try {
            index = Integer.parseInt(member.name());
        } catch (NumberFormatException e) {
            return null; // not a sub-unit index anyone could have written
        }
        indices.computeIfAbsent(member.lunId(), id -> new ConcurrentSkipListSet<>()).add(index);
        return key(member.lunId(), index);
    }

    @Override
    public Optional<SubUnitPlacement> get(String lunId, int index) {
        return Optional.ofNullable(placementOf(lunId, index, mirror.get(key(lunId, index))));
    }

    /** @throws CoordinationUnavailableException if a stored placement cannot be decoded (fail closed) */
    @Override
    public List<SubUnitPlacement> list(String lunId) {
        NavigableSet<Integer> seen = indices.get(lunId);
        if (seen == null) return List.of();
        List<SubUnitPlacement> placements = new ArrayList<>();
        for (int index : seen) {
            SubUnitPlacement placement = placementOf(lunId, index, mirror.get(key(lunId, index)));
            if (placement != null) placements.add(placement);
        }
        return List.copyOf(placements);
    }

    /**
     * An undecodable document is not "no placement": treating it as absent would let an update
     * create a fresh placement with epoch 0 over it.
     */
    private static SubUnitPlacement placementOf(String lunId, int index, ZNodeMirror.Entry<SubUnitPlacement> entry) {
        if (entry == null || !entry.present()) return null;
        if (entry.value() == null) {
            throw new CoordinationUnavailableException("unreadable placement of " + lunId + "/" + index + ": "
                    + entry.error(), null);
        }
        return entry.value();
    }

    @Override
    public CompletableFuture<SubUnitPlacement> update(String lunId, int index,
                                                      UnaryOperator<SubUnitPlacement> change) {
        Objects.requireNonNull(lunId, "lunId");
        Objects.requireNonNull(change, "change");
        if (index < 0) throw new IllegalArgumentException("sub-unit index must not be negative: " + index);
        String subject = "placement of " + key(lunId, index);
        return writer.submit("update", subject, result -> apply(lunId, index, subject, change, result));
    }

    @Override
    public CompletableFuture<Void> delete(String lunId) {
        Objects.requireNonNull(lunId, "lunId");
        return writer.submit("delete", "placements of LUN " + lunId, result -> remove(lunId, result));
    }

    /** Called on the watch's thread with each placement written (deletions are not reported). */
    @Override
    public void addListener(Consumer<SubUnitPlacement> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Runs on the writer thread. */
    private void apply(String lunId, int index, String subject, UnaryOperator<SubUnitPlacement> change,
                       CompletableFuture<SubUnitPlacement> result) {
        String key = key(lunId, index);
        writer.update(key, placementPath(lunId, index), subject, () -> readFresh(lunId, index), seen -> {
            SubUnitPlacement current = placementOf(lunId, index, seen);
            SubUnitPlacement next = change.apply(current);
            if (next == null) return Decision.unchanged(current);
            if (!next.lunId().equals(lunId) || next.index() != index) {
                throw new IllegalArgumentException("change of " + key + " returned the placement of "
                        + next.lunId() + "/" + next.index());
            }
            return Decision.write(next, stat -> {
                indices.computeIfAbsent(lunId, id -> new ConcurrentSkipListSet<>()).add(index);
                return next;
            });
        }, result);
    }

    /** The node as ZooKeeper holds it, into the local copy (null or a tombstone when absent). */
    private ZNodeMirror.Entry<SubUnitPlacement> readFresh(String lunId, int index) {
        String key = key(lunId, index);
        ZNodeMirror.Entry<SubUnitPlacement> read = readFresh(mirror, key, placementPath(lunId, index), "placement of " + key);
        if (read != null && read.present()) indices.computeIfAbsent(lunId, id -> new ConcurrentSkipListSet<>()).add(index);
        return read;
    }

    /** Runs on the writer thread. */
    private void remove(String lunId, CompletableFuture<Void> result) {
        try {
            curator.delete().deletingChildrenIfNeeded().forPath(placementsPath(lunId));
        } catch (KeeperException.NoNodeException e) {
            // nothing placed
        } catch (Exception e) {
            result.completeExceptionally(writer.unavailable("delete", "placements of LUN " + lunId, e));
            return;
        }
        NavigableSet<Integer> seen = indices.get(lunId);
        if (seen != null) {
            for (int index : seen) {
                ZNodeMirror.Entry<SubUnitPlacement> entry = mirror.get(key(lunId, index));
                if (entry != null && entry.present()) mirror.deleted(key(lunId, index), entry.czxid());
            }
        }
        result.complete(null);
    }

    /** Runs on the watch's thread. */
    private void changed(String key, ZNodeMirror.Entry<SubUnitPlacement> entry) {
        if (entry.value() == null) return;
        for (Consumer<SubUnitPlacement> listener : listeners) {
            try {
                listener.accept(entry.value());
            } catch (RuntimeException e) {
                log.error("placement listener failed for {}", key, e);
            }
        }
    }
}
