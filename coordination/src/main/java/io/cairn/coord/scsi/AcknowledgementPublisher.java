package io.cairn.coord.scsi;

import io.cairn.coord.lun.LunNode;
import io.cairn.coord.session.ZkSession;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This gateway's acknowledgements: per LUN, an ephemeral {@code /luns/<lun>/applied/<gateway>}
 * holding, in decimal, the context version its {@link ZkScsiContextStore} last applied. Ephemeral,
 * so a gateway that lost its session stops acknowledging anything until it writes them again on
 * the new one. One publisher thread writes them, coalesced per LUN (only the newest version
 * matters); a failed write is retried after {@link #RETRY}.
 */
final class AcknowledgementPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AcknowledgementPublisher.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ZkSession session;
    private final CuratorFramework curator;
    private final ZkScsiContextStore store;
    private final ScheduledExecutorService publisher;
    /** Per LUN, the newest version to acknowledge that the publisher has not written yet. */
    private final Map<String, Long> toPublish = new ConcurrentHashMap<>();
    /** Per LUN, the version last acknowledged; touched only on the publisher thread. */
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private volatile String gatewayId;

    AcknowledgementPublisher(ZkSession session, ZkScsiContextStore store) {
        this.session = session;
        this.curator = session.curator();
        this.store = store;
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-gateway-acks-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    static String path(String lunId, String gatewayId) {
        return LunNode.APPLIED.path(lunId, gatewayId);
    }

    /** Acknowledges, as {@code gatewayId}, what the store holds now and every version it applies from now on. */
    void start(String gatewayId) {
        this.gatewayId = gatewayId;
        store.addAppliedListener(this::appliedLocally);
        publishAll();
    }

    /** Writes every LUN's acknowledgement again: a new session has none of the old one's. */
    void publishAll() {
        for (String lunId : store.appliedLunIds()) appliedLocally(lunId, store.appliedVersion(lunId));
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
                schedulePublish(RETRY.toMillis());
                return;
            }
        }
    }

    private void write(String me, String lunId, long version) throws Exception {
        String path = path(lunId, me);
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

    /** Stops publishing and, while the session lasts, withdraws this gateway's acknowledgements. */
    @Override
    public void close() {
        publisher.shutdownNow();
        String me = gatewayId;
        if (me != null && session.isConnected()) {
            for (String lunId : published.keySet()) {
                try {
                    curator.delete().forPath(path(lunId, me));
                } catch (Exception e) {
                    log.debug("withdrawing the acknowledgement of LUN {} failed", lunId, e);
                }
            }
        }
    }
}
