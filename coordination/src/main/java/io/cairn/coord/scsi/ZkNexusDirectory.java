package io.cairn.coord.scsi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.SessionState;
import io.cairn.coord.lun.LunNode;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link NexusDirectory} in ZooKeeper: each gateway's nexuses on a LUN are a JSON list of strings
 * in an ephemeral {@code /luns/<lun>/nexuses/<gateway>}, so a gateway whose session ended drops
 * out (its hosts reconnect elsewhere and get a new nexus). One publisher thread writes them,
 * coalescing a burst of logins and logouts into one write per LUN; the union is read from a
 * watched local copy.
 */
public final class ZkNexusDirectory extends ZNodeStore implements NexusDirectory {

    private static final Logger log = LoggerFactory.getLogger(ZkNexusDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COALESCE = Duration.ofMillis(20);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String gatewayId;
    private final ZNodeMirror<List<String>> mirror;
    /** This gateway's nexuses per LUN; the authority for its own part of the union. */
    private final Map<String, Set<String>> own = new ConcurrentHashMap<>();
    /** Per LUN, per other gateway, its nexuses as last seen; written only on the watch thread. */
    private final Map<String, Map<String, List<String>>> others = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService publisher;

    private ZkNexusDirectory(ZkSession session, String gatewayId) {
        super(session);
        this.gatewayId = gatewayId;
        this.mirror = watch(LunNode.LUNS, ZkNexusDirectory::keyOf, ZkNexusDirectory::decode, this::changed);
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-nexus-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the directory, its local copy primed; use {@code Coordination.openNexusDirectory}. */
    public static ZkNexusDirectory open(ZkSession session, String gatewayId) {
        Objects.requireNonNull(gatewayId, "gatewayId");
        if (gatewayId.isEmpty() || gatewayId.contains("/")) throw new IllegalArgumentException("bad gateway id " + gatewayId);
        ZkNexusDirectory directory = new ZkNexusDirectory(session, gatewayId);
        directory.prime();
        session.addConnectionListener(directory::sessionChanged);
        return directory;
    }

    static String nexusPath(String lunId, String gatewayId) {
        return LunNode.NEXUSES.path(lunId, gatewayId);
    }

    private static String keyOf(String path) {
        LunNode.Member member = LunNode.NEXUSES.memberOf(path);
        return member == null ? null : member.key();
    }

    private static List<String> decode(byte[] bytes) {
        try {
            return List.copyOf(JSON.readValue(bytes, new TypeReference<List<String>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void add(String lunId, String nexus) {
        Objects.requireNonNull(nexus, "nexus");
        own.computeIfAbsent(lunId, id -> ConcurrentHashMap.newKeySet()).add(nexus);
        changedLocally(lunId);
    }

    @Override
    public void remove(String lunId, String nexus) {
        Set<String> mine = own.get(lunId);
        if (mine != null && mine.remove(nexus)) changedLocally(lunId);
    }

    @Override
    public Set<String> nexuses(String lunId) {
        Set<String> union = new TreeSet<>(own.getOrDefault(lunId, Set.of()));
        others.getOrDefault(lunId, Map.of()).values().forEach(union::addAll);
        return union;
    }

    private void changedLocally(String lunId) {
        if (dirty.add(lunId)) schedulePublish(COALESCE.toMillis());
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
        for (String lunId : new ArrayList<>(dirty)) {
            dirty.remove(lunId);
            try {
                write(lunId, new TreeSet<>(own.getOrDefault(lunId, Set.of())));
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                log.warn("could not publish the nexuses of LUN {} from gateway {}: {}", lunId, gatewayId, e.toString());
                if (dirty.add(lunId)) schedulePublish(RETRY.toMillis());
            }
        }
    }

    private void write(String lunId, Set<String> nexuses) throws Exception {
        String path = nexusPath(lunId, gatewayId);
        if (nexuses.isEmpty()) {
            try {
                curator.delete().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // nothing published
            }
            return;
        }
        byte[] json = JSON.writeValueAsBytes(nexuses);
        try {
            curator.setData().forPath(path, json);
        } catch (KeeperException.NoNodeException e) {
            curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, json);
        }
    }

    /** A new session has none of the old one's ephemeral nodes: publish every LUN again. */
    private void sessionChanged(SessionState state) {
        if (state != SessionState.RECONNECTED) return;
        own.keySet().forEach(this::changedLocally);
    }

    /** Runs on the watch thread. */
    private void changed(String key, ZNodeMirror.Entry<List<String>> entry) {
        int slash = key.indexOf('/');
        String lunId = key.substring(0, slash);
        String gateway = key.substring(slash + 1);
        if (gateway.equals(gatewayId)) return; // our own part comes from `own`, never late
        Map<String, List<String>> forLun = others.computeIfAbsent(lunId, id -> new ConcurrentHashMap<>());
        if (entry.value() == null) {
            forLun.remove(gateway);
        } else {
            forLun.put(gateway, entry.value());
        }
    }

    /** Withdraws this gateway's nexuses (their ephemeral nodes) and stops the watch. */
    @Override
    public void close() {
        publisher.shutdownNow();
        if (session.isConnected()) {
            for (String lunId : own.keySet()) {
                try {
                    curator.delete().forPath(nexusPath(lunId, gatewayId));
                } catch (KeeperException.NoNodeException e) {
                    // never published
                } catch (Exception e) {
                    log.debug("withdrawing the nexuses of LUN {} failed", lunId, e);
                }
            }
        }
        super.close();
    }
}
