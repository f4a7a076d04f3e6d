package io.cairn.coord.scsi;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.Locker;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Which gateways are live, and whether a joining one powers the logical units on. A live gateway
 * holds an ephemeral {@code /gateways/<id>} (a Curator {@link PersistentNode}, re-created on a
 * new session as {@code ZkNodeRegistry} does), which vanishes with its session: a gateway that
 * lost it (and fails closed) is no longer live. Others read the membership from a watched copy,
 * or, when they must not miss a gateway that just joined, from ZooKeeper after a sync.
 */
final class GatewayMembership extends ZNodeStore {

    private static final Logger log = LoggerFactory.getLogger(GatewayMembership.class);
    static final String GATEWAYS = "/gateways";
    /** Serializes the power-on decision of joining gateways ({@link #joinDecidingPowerOn}). */
    static final String JOIN_LOCK = "/locks/gateway-join";
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);

    private final ZNodeMirror<String> members;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PersistentNode membership;

    private GatewayMembership(ZkSession session) {
        super(session);
        this.members = watch(GATEWAYS, GatewayMembership::gatewayOf, bytes -> new String(bytes, StandardCharsets.UTF_8),
                (id, entry) -> listeners.forEach(Runnable::run));
    }

    /** Opens the membership, its watched copy primed. */
    static GatewayMembership open(ZkSession session) {
        GatewayMembership membership = new GatewayMembership(session);
        membership.prime();
        return membership;
    }

    static String path(String gatewayId) {
        return GATEWAYS + "/" + gatewayId;
    }

    private static String gatewayOf(String path) {
        String prefix = GATEWAYS + "/";
        return path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0
                ? path.substring(prefix.length()) : null;
    }

    /** Called, on the watch's thread, whenever the watched copy sees a gateway come or go. */
    void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    /**
     * Makes this process live as {@code gatewayId} and returns once ZooKeeper holds its node.
     *
     * @throws CoordinationUnavailableException if it did not within {@link #JOIN_TIMEOUT}
     */
    void enter(String gatewayId) {
        PersistentNode node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, path(gatewayId),
                gatewayId.getBytes(StandardCharsets.UTF_8));
        node.start();
        boolean created;
        try {
            created = node.waitForInitialCreate(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            created = false;
        }
        if (!created) {
            closeQuietly(node);
            throw new CoordinationUnavailableException("gateway " + gatewayId + " could not join in ZooKeeper at "
                    + session.connectString() + " within " + JOIN_TIMEOUT, null);
        }
        membership = node;
    }

    /**
     * Runs {@code join} (which makes {@code gatewayId} live) after deciding whether it powers the
     * cluster's logical units on. The power-on of a cluster LU is a gateway joining while no other
     * gateway is live (no other member after a sync): before it, no gateway presented the LU, so
     * to every initiator the LU was off. The decision and the join are made under the ZooKeeper
     * lock {@link #JOIN_LOCK}, so of gateways joining together exactly the first sees an empty
     * membership; {@code powerOn} runs before this gateway becomes live, so no gateway serves I/O
     * on the old state. A member node of this same gateway id is one left by its own previous
     * process (ids are unique), whose session ZooKeeper has not expired yet: not live. Members
     * left by other crashed processes count as live until ZooKeeper expires their sessions (the
     * session timeout, also after a ZooKeeper restart).
     *
     * @return whether this join was a power-on
     * @throws CoordinationUnavailableException if the lock, {@code powerOn} or {@code join} failed
     */
    boolean joinDecidingPowerOn(String gatewayId, Runnable powerOn, Runnable join) {
        InterProcessMutex mutex = new InterProcessMutex(curator, JOIN_LOCK);
        try (Locker locked = new Locker(mutex, JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            boolean first = othersLive(gatewayId).isEmpty();
            if (first) {
                log.info("gateway {} joins with no other gateway live: powering on the logical units", gatewayId);
                powerOn.run();
            }
            join.run();
            return first;
        } catch (CoordinationUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw session.unavailable("join as gateway " + gatewayId + " under " + JOIN_LOCK, e);
        }
    }

    /** The members other than {@code gatewayId}, read after a sync. */
    private Set<String> othersLive(String gatewayId) throws Exception {
        session.sync(GATEWAYS);
        Set<String> members = new HashSet<>();
        try {
            members.addAll(curator.getChildren().forPath(GATEWAYS));
        } catch (KeeperException.NoNodeException e) {
            // no gateway ever joined
        }
        members.remove(gatewayId);
        return members;
    }

    /**
     * Every gateway live now, read from ZooKeeper after a sync, in the background: completes on
     * Curator's event thread, or exceptionally with {@link CoordinationUnavailableException}.
     */
    CompletableFuture<Set<String>> readLive() {
        CompletableFuture<Set<String>> live = new CompletableFuture<>();
        try {
            curator.sync().inBackground((client, synced) ->
                    curator.getChildren().inBackground((c, event) -> {
                        if (event.getResultCode() == Code.OK.intValue()) {
                            live.complete(new HashSet<>(event.getChildren()));
                        } else if (event.getResultCode() == Code.NONODE.intValue()) {
                            live.complete(Set.of());
                        } else {
                            live.completeExceptionally(new CoordinationUnavailableException(
                                    "cannot list live gateways in ZooKeeper at " + session.connectString() + ": "
                                            + Code.get(event.getResultCode()), null));
                        }
                    }).forPath(GATEWAYS)).forPath(GATEWAYS);
        } catch (Exception e) {
            live.completeExceptionally(session.unavailable("list live gateways", e));
        }
        return live;
    }

    /** The gateways the watched copy shows live. No I/O. */
    Set<String> seenLive() {
        Set<String> live = new HashSet<>();
        members.entries().forEach((id, entry) -> {
            if (entry.present()) live.add(id);
        });
        return live;
    }

    /** Whether the watched copy saw {@code gatewayId} leave: its session ended, so it fails closed. */
    boolean seenLeaving(String gatewayId) {
        ZNodeMirror.Entry<String> member = members.get(gatewayId);
        return member != null && !member.present();
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing the gateway membership failed", e);
        }
    }

    /** Leaves (this gateway's node goes) and stops the watch. */
    @Override
    public void close() {
        PersistentNode node = membership;
        if (node != null) closeQuietly(node);
        super.close();
    }
}
