package io.cairn.coord.scsi;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.SessionState;
import io.cairn.coord.znode.ZNodeMirror;
import org.apache.curator.framework.CuratorFramework;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link GatewayAcks} in ZooKeeper. A joined gateway holds an ephemeral {@code /gateways/<id>}
 * (a Curator {@link PersistentNode}, re-created on a new session as {@code ZkNodeRegistry} does)
 * and, per LUN, an ephemeral {@code /luns/<lun>/applied/<id>} holding the context version its
 * {@link ZkScsiContextStore} last applied, in decimal. Both vanish with the session, so a gateway
 * that lost it (and fails closed) stops counting.
 *
 * <p>Acknowledgements are written by one publisher thread, coalesced per LUN (only the newest
 * version matters). Waits are checked on every change of the two watched local copies, plus a
 * periodic re-check as a safety net.
 *
 * <p>Why a waiter also reads the live gateways straight from ZooKeeper: its local copy of
 * {@code /gateways} may not show a gateway that joined just before the write yet, and that
 * gateway must be waited for. A gateway joining after the write read every context fresh in
 * {@link #join}, after its membership became visible, so it already holds the write.
 */
public final class ZkGatewayAcks implements GatewayAcks {

    private static final Logger log = LoggerFactory.getLogger(ZkGatewayAcks.class);
    static final String GATEWAYS = "/gateways";
    /** Serializes the power-on decision of joining gateways ({@link #join(String, Runnable)}). */
    static final String JOIN_LOCK = "/locks/gateway-join";
    private static final String LUNS = "/luns";
    private static final Pattern GATEWAY_PATH = Pattern.compile("/gateways/([^/]+)");
    private static final Pattern APPLIED_PATH = Pattern.compile("/luns/([^/]+)/applied/([^/]+)");
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RECHECK = Duration.ofSeconds(1);

    /** One pending {@link #awaitApplied}; {@code required} is null until the fresh gateway list is in. */
    private static final class Waiter {
        final String lunId;
        final long version;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Set<String> required;

        Waiter(String lunId, long version) {
            this.lunId = lunId;
            this.version = version;
        }
    }

    private final ZkSession session;
    private final CuratorFramework curator;
    private final ZkScsiContextStore store;
    private final ZNodeMirror<String> gateways;
    private final ZNodeMirror<Long> applied;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService publisher;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    /** Per LUN, the newest version to acknowledge that the publisher has not written yet. */
    private final Map<String, Long> toPublish = new ConcurrentHashMap<>();
    /** Per LUN, the version last acknowledged; touched only on the publisher thread. */
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private volatile String gatewayId;
    private volatile PersistentNode membership;

    private ZkGatewayAcks(ZkSession session, ZkScsiContextStore store) {
        this.session = session;
        this.curator = session.curator();
        this.store = store;
        this.gateways = new ZNodeMirror<>(curator, GATEWAYS, path -> group(GATEWAY_PATH, path, 1),
                bytes -> new String(bytes, StandardCharsets.UTF_8), (id, entry) -> recheck());
        this.applied = new ZNodeMirror<>(curator, LUNS, ZkGatewayAcks::appliedKey, ZkGatewayAcks::decodeVersion,
                (key, entry) -> recheck());
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("cairn-gateway-acks-timer"));
        this.publisher = Executors.newSingleThreadScheduledExecutor(daemon("cairn-gateway-acks-publisher"));
    }

    /** Opens the acknowledgements over {@code store}'s local copy; use {@code Coordination.openGatewayAcks}. */
    public static ZkGatewayAcks open(ZkSession session, ZkScsiContextStore store) {
        ZkGatewayAcks acks = new ZkGatewayAcks(Objects.requireNonNull(session, "session"),
                Objects.requireNonNull(store, "store"));
        try {
            acks.gateways.start(JOIN_TIMEOUT);
            acks.applied.start(JOIN_TIMEOUT);
        } catch (RuntimeException e) {
            acks.close();
            throw e;
        }
        acks.timer.scheduleWithFixedDelay(acks::recheck, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        session.addConnectionListener(acks::sessionChanged);
        return acks;
    }

    static String gatewayPath(String gatewayId) {
        return GATEWAYS + "/" + gatewayId;
    }

    static String appliedPath(String lunId, String gatewayId) {
        return LUNS + "/" + lunId + "/applied/" + gatewayId;
    }

    private static String appliedKey(String path) {
        Matcher m = APPLIED_PATH.matcher(path);
        return m.matches() ? m.group(1) + "/" + m.group(2) : null;
    }

    private static String group(Pattern pattern, String path, int group) {
        Matcher m = pattern.matcher(path);
        return m.matches() ? m.group(group) : null;
    }

    private static Long decodeVersion(byte[] bytes) {
        return Long.parseLong(new String(bytes, StandardCharsets.UTF_8).trim());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns once the membership node exists and every LUN's context has been read fresh into
     * the local copy (so the gateway holds every change made before it became visible as live);
     * serve I/O only after that.
     */
    @Override
    public synchronized void join(String gatewayId) {
        Objects.requireNonNull(gatewayId, "gatewayId");
        if (gatewayId.isEmpty() || gatewayId.contains("/")) throw new IllegalArgumentException("bad gateway id " + gatewayId);
        if (this.gatewayId != null) throw new IllegalStateException("already joined as " + this.gatewayId);
        if (!session.isConnected()) {
            throw new CoordinationUnavailableException("gateway " + gatewayId + " cannot join: not connected to ZooKeeper at "
                    + session.connectString(), null);
        }
        this.gatewayId = gatewayId;
        store.addAppliedListener(this::appliedLocally);
        for (String lunId : store.appliedLunIds()) appliedLocally(lunId, store.appliedVersion(lunId));

        PersistentNode node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, gatewayPath(gatewayId),
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
        catchUp();
    }

    /**
     * As {@link #join(String)}, deciding first whether this join powers the cluster's logical
     * units on. The power-on of a cluster LU is a gateway joining while no other gateway is live
     * (no other {@code /gateways} member after a sync): before it, no gateway presented the LU, so
     * to every initiator the LU was off. The decision and the membership are made under the
     * ZooKeeper lock {@link #JOIN_LOCK}, so of gateways joining together exactly the first sees
     * an empty membership; {@code powerOn} runs before this gateway becomes live, so no gateway
     * serves I/O on the old state. A member node of this same gateway id is one left by its own
     * previous process (ids are unique), whose session ZooKeeper has not expired yet: not live.
     * Members left by other crashed processes count as live until ZooKeeper expires their
     * sessions (the session timeout, also after a ZooKeeper restart).
     *
     * @param powerOn runs, on this thread, when this join is a power-on; may block on ZooKeeper
     * @return whether this join was a power-on
     * @throws CoordinationUnavailableException if the lock, the membership or {@code powerOn} failed
     */
    public boolean join(String gatewayId, Runnable powerOn) {
        Objects.requireNonNull(powerOn, "powerOn");
        InterProcessMutex mutex = new InterProcessMutex(curator, JOIN_LOCK);
        try (Locker locked = new Locker(mutex, JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            boolean first = otherLiveGateways(gatewayId).isEmpty();
            if (first) {
                log.info("gateway {} joins with no other gateway live: powering on the logical units", gatewayId);
                powerOn.run();
            }
            join(gatewayId);
            return first;
        } catch (CoordinationUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("join as gateway " + gatewayId + " under " + JOIN_LOCK, e);
        }
    }

    /** The members of {@code /gateways} other than {@code gatewayId}, read after a sync. */
    private Set<String> otherLiveGateways(String gatewayId) throws Exception {
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

    /** Reads every LUN's context fresh: the contexts written before this gateway's membership was visible. */
    private void catchUp() {
        List<String> luns;
        try {
            session.sync(LUNS);
            luns = curator.checkExists().forPath(LUNS) == null ? List.of() : curator.getChildren().forPath(LUNS);
        } catch (Exception e) {
            throw unavailable("read the LUNs", e);
        }
        try {
            CompletableFuture.allOf(luns.stream().map(store::fresh).toArray(CompletableFuture[]::new))
                    .get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw unavailable("read the SCSI contexts", e);
        }
    }

    /** Runs on the store's watch thread, after the LUN's listeners: acknowledge that version. */
    private void appliedLocally(String lunId, long version) {
        toPublish.merge(lunId, version, (old, now) -> now == 0 ? 0 : Math.max(old, now));
        schedulePublish(0);
    }

    private void schedulePublish(long delayMillis) {
        try {
            publisher.schedule(this::publish, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs on the publisher thread. */
    private void publish() {
        String me = gatewayId;
        if (me == null) return;
        for (String lunId : new ArrayList<>(toPublish.keySet())) {
            Long version = toPublish.remove(lunId);
            if (version == null) continue;
            try {
                write(me, lunId, version);
            } catch (Exception e) {
                // keep the newest version for the next attempt; waiters time out meanwhile
                toPublish.merge(lunId, version, (newer, mine) -> newer);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                log.warn("could not acknowledge version {} of LUN {} as gateway {}: {}", version, lunId, me, e.toString());
                schedulePublish(RECHECK.toMillis());
                return;
            }
        }
    }

    private void write(String me, String lunId, long version) throws Exception {
        String path = appliedPath(lunId, me);
        if (version == 0) {
            // the context was deleted (the LUN is going): do not hold nodes under it
            try {
                curator.delete().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // never written
            }
            published.remove(lunId);
            return;
        }
        byte[] data = Long.toString(version).getBytes(StandardCharsets.UTF_8);
        try {
            curator.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
        }
        published.put(lunId, version);
    }

    /** A new session has none of the old session's ephemeral acknowledgements: write them again. */
    private void sessionChanged(SessionState state) {
        if (state != SessionState.RECONNECTED && state != SessionState.CONNECTED) return;
        if (gatewayId == null) return;
        for (String lunId : store.appliedLunIds()) appliedLocally(lunId, store.appliedVersion(lunId));
        recheck();
    }

    @Override
    public CompletableFuture<Void> awaitApplied(String lunId, long version, Duration timeout) {
        Objects.requireNonNull(lunId, "lunId");
        Waiter waiter = new Waiter(lunId, version);
        waiters.add(waiter);
        waiter.done.whenComplete((ok, failure) -> waiters.remove(waiter));
        try {
            timer.schedule(() -> expire(waiter, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiter.done.completeExceptionally(new CoordinationUnavailableException("gateway acknowledgements are closed", e));
            return waiter.done;
        }
        readLiveGateways(waiter);
        return waiter.done;
    }

    /** Sync, then list {@code /gateways}: every gateway live when the awaited write was made. */
    private void readLiveGateways(Waiter waiter) {
        try {
            curator.sync().inBackground((client, synced) ->
                    curator.getChildren().inBackground((c, event) -> {
                        if (event.getResultCode() == Code.OK.intValue()) {
                            waiter.required = new HashSet<>(event.getChildren());
                        } else if (event.getResultCode() == Code.NONODE.intValue()) {
                            waiter.required = Set.of();
                        } else {
                            waiter.done.completeExceptionally(new CoordinationUnavailableException(
                                    "cannot list live gateways in ZooKeeper at " + session.connectString() + ": "
                                            + Code.get(event.getResultCode()), null));
                            return;
                        }
                        check(waiter);
                    }).forPath(GATEWAYS)).forPath(GATEWAYS);
        } catch (Exception e) {
            waiter.done.completeExceptionally(unavailable("list live gateways", e));
        }
    }

    private void expire(Waiter waiter, Duration timeout) {
        if (waiter.done.isDone()) return;
        waiter.done.completeExceptionally(new CoordinationUnavailableException("version " + waiter.version
                + " of LUN " + waiter.lunId + "'s SCSI context not applied within " + timeout + " by gateways "
                + lagging(waiter), null));
    }

    private void recheck() {
        for (Waiter waiter : waiters) check(waiter);
    }

    private void check(Waiter waiter) {
        if (waiter.required != null && session.isConnected() && lagging(waiter).isEmpty()) {
            waiter.done.complete(null);
        }
    }

    /** The gateways that count and have not yet acknowledged the waiter's version. */
    private List<String> lagging(Waiter waiter) {
        Set<String> counted = new HashSet<>();
        Set<String> required = waiter.required;
        if (required != null) counted.addAll(required);
        gateways.entries().forEach((id, entry) -> {
            if (entry.present()) counted.add(id);
        });
        List<String> lagging = new ArrayList<>();
        for (String id : counted) {
            ZNodeMirror.Entry<String> member = gateways.get(id);
            if (member != null && !member.present()) continue; // left: its session ended, it fails closed
            ZNodeMirror.Entry<Long> ack = applied.get(waiter.lunId + "/" + id);
            if (ack == null || ack.value() == null || ack.value() < waiter.version) lagging.add(id);
        }
        lagging.sort(null);
        return lagging;
    }

    private CoordinationUnavailableException unavailable(String what, Exception cause) {
        if (cause instanceof InterruptedException) Thread.currentThread().interrupt();
        return new CoordinationUnavailableException("cannot " + what + " in ZooKeeper at "
                + session.connectString() + ": " + cause, cause);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing the gateway membership failed", e);
        }
    }

    /** Leaves: deletes the membership and this gateway's acknowledgements; pending waits fail. */
    @Override
    public void close() {
        PersistentNode node = membership;
        if (node != null) closeQuietly(node);
        publisher.shutdownNow();
        timer.shutdownNow();
        String me = gatewayId;
        if (me != null && session.isConnected()) {
            for (String lunId : published.keySet()) {
                try {
                    curator.delete().forPath(appliedPath(lunId, me));
                } catch (Exception e) {
                    log.debug("withdrawing the acknowledgement of LUN {} failed", lunId, e);
                }
            }
        }
        for (Waiter waiter : waiters) {
            waiter.done.completeExceptionally(new CoordinationUnavailableException("gateway acknowledgements closed", null));
        }
        gateways.close();
        applied.close();
    }
}
