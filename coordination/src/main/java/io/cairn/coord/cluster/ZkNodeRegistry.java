package io.cairn.coord.cluster;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster membership in ZooKeeper. A registered node has two JSON documents ({@link NodeInfoCodec}):
 * an ephemeral {@code /nodes/live/<id>}, which vanishes when the registering session ends, and a
 * persistent {@code /nodes/known/<id>}, which stays until {@link #forget}.
 *
 * <p>The live node is a Curator {@link PersistentNode} in ephemeral mode: it is re-created on this
 * process's new session after a session loss (others see the node go and come back, so whoever
 * acted on its absence, e.g. by moving primaries with a new epoch, stays in force), and a node left
 * by this node id's previous, dead session is taken over: the recipe overwrites its data and
 * re-creates it under this session once the old session's expiry deletes it.
 *
 * <p>Reads come from two watched local copies ({@link ZNodeMirror}), primed before {@link #open}
 * returns; this process's own registration is visible to its reads when {@link #register} returns.
 */
public final class ZkNodeRegistry extends ZNodeStore implements NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(ZkNodeRegistry.class);
    static final String LIVE = "/nodes/live";
    static final String KNOWN = "/nodes/known";
    private static final Pattern LIVE_PATH = Pattern.compile("/nodes/live/(\\d+)");
    private static final Pattern KNOWN_PATH = Pattern.compile("/nodes/known/(\\d+)");
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(15);

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ZNodeMirror<NodeInfo> live;
    private final ZNodeMirror<NodeInfo> known;
    /** This process's live registrations, by node id. */
    private final Map<Integer, PersistentNode> registrations = new ConcurrentHashMap<>();

    private ZkNodeRegistry(ZkSession session) {
        super(session);
        this.live = watch(LIVE, path -> idOf(LIVE_PATH, path), NodeInfoCodec::decode, (id, entry) -> changed());
        this.known = watch(KNOWN, path -> idOf(KNOWN_PATH, path), NodeInfoCodec::decode, (id, entry) -> changed());
    }

    /** Opens the registry and reads the live and known sets; use {@code Coordination.openNodeRegistry}. */
    public static ZkNodeRegistry open(ZkSession session) {
        ZkNodeRegistry registry = new ZkNodeRegistry(session);
        registry.prime();
        return registry;
    }

    static String livePath(int id) {
        return LIVE + "/" + id;
    }

    static String knownPath(int id) {
        return KNOWN + "/" + id;
    }

    private static String idOf(Pattern pattern, String path) {
        Matcher m = pattern.matcher(path);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * Writes the known registration, then the live one, and returns once ZooKeeper holds both.
     * Registering the same id again replaces its announced details.
     *
     * @throws CoordinationUnavailableException if ZooKeeper could not be reached; nothing is live then
     */
    @Override
    public void register(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        if (!session.isConnected()) throw session.notConnected("register node " + node.id());
        byte[] json = NodeInfoCodec.encode(node);
        writeKnown(node, json);
        PersistentNode existing = registrations.get(node.id());
        if (existing != null) {
            try {
                existing.setData(json); // written in the background; the watch brings it to live()
            } catch (Exception e) {
                throw unavailable("re-register node " + node.id(), e);
            }
            return;
        }
        warnIfHeldByAnotherSession(node.id());
        PersistentNode ephemeral = new PersistentNode(curator, CreateMode.EPHEMERAL, false, livePath(node.id()), json);
        ephemeral.start();
        boolean created;
        try {
            created = ephemeral.waitForInitialCreate(REGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            created = false;
        }
        if (!created) {
            closeQuietly(ephemeral);
            throw new CoordinationUnavailableException("node " + node.id() + " could not be registered live in ZooKeeper at "
                    + session.connectString() + " within " + REGISTER_TIMEOUT, null);
        }
        registrations.put(node.id(), ephemeral);
        Stat stat = statOf(livePath(node.id()));
        if (stat != null) live.wrote(String.valueOf(node.id()), node, stat);
    }

    private void writeKnown(NodeInfo node, byte[] json) {
        String path = knownPath(node.id());
        Stat stat = new Stat();
        try {
            try {
                curator.create().creatingParentsIfNeeded().storingStatIn(stat).forPath(path, json);
            } catch (KeeperException.NodeExistsException e) {
                stat = curator.setData().forPath(path, json);
            }
        } catch (Exception e) {
            throw unavailable("register node " + node.id(), e);
        }
        known.wrote(String.valueOf(node.id()), node, stat);
    }

    /** A node id registered twice at once is a configuration error; a dead incarnation's node is not. */
    private void warnIfHeldByAnotherSession(int id) {
        Stat stat = statOf(livePath(id));
        if (stat == null) return;
        long mine;
        try {
            mine = curator.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return;
        }
        if (stat.getEphemeralOwner() != mine) {
            log.warn("node {} is still registered live by session 0x{}: taking it over (a previous incarnation"
                    + " whose session has not expired yet, or another process configured with the same id)",
                    id, Long.toHexString(stat.getEphemeralOwner()));
        }
    }

    private Stat statOf(String path) {
        try {
            return curator.checkExists().forPath(path);
        } catch (Exception e) {
            throw unavailable("read " + path, e);
        }
    }

    @Override
    public List<NodeInfo> live() {
        return present(live);
    }

    @Override
    public List<NodeInfo> known() {
        return present(known);
    }

    private static List<NodeInfo> present(ZNodeMirror<NodeInfo> mirror) {
        return mirror.entries().values().stream()
                .map(ZNodeMirror.Entry::value)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparingInt(NodeInfo::id))
                .toList();
    }

    /** The node's details as it announced them: live if it is, else as last known. */
    @Override
    public Optional<NodeInfo> node(int id) {
        ZNodeMirror.Entry<NodeInfo> entry = live.get(String.valueOf(id));
        if (entry == null || entry.value() == null) entry = known.get(String.valueOf(id));
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.value());
    }

    @Override
    public boolean isLive(int id) {
        ZNodeMirror.Entry<NodeInfo> entry = live.get(String.valueOf(id));
        return entry != null && entry.value() != null;
    }

    /**
     * Deletes the known registration. A node that is live at the time stays live until its session
     * ends; it becomes known again only by registering again.
     */
    @Override
    public void forget(int id) {
        if (!session.isConnected()) throw session.notConnected("forget node " + id);
        try {
            Stat stat = curator.checkExists().forPath(knownPath(id));
            if (stat == null) return;
            curator.delete().forPath(knownPath(id));
            known.deleted(String.valueOf(id), stat.getCzxid());
        } catch (KeeperException.NoNodeException e) {
            // forgotten by someone else meanwhile
        } catch (Exception e) {
            throw unavailable("forget node " + id, e);
        }
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Runs on a watch's thread. */
    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("node registry listener failed", e);
            }
        }
    }

    private CoordinationUnavailableException unavailable(String what, Exception cause) {
        return session.unavailable(what, cause);
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a live registration failed", e);
        }
    }

    /** Withdraws this process's live registrations (they stay known) and stops the watches. */
    @Override
    public void close() {
        registrations.values().forEach(ZkNodeRegistry::closeQuietly);
        registrations.clear();
        super.close();
    }
}
