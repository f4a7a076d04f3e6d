package io.cairn.coord.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * One ephemeral znode per live gateway at {@code <base>/<gatewayId>}: the key of such a path in a
 * watched copy, and the Curator {@link PersistentNode}s this process holds there (re-created after
 * a new session; closing one deletes its znode).
 */
final class GatewayNodes implements AutoCloseable {

    private final CuratorFramework curator;
    private final String base;
    private final Map<String, PersistentNode> held = new ConcurrentHashMap<>();

    GatewayNodes(CuratorFramework curator, String base) {
        this.curator = curator;
        this.base = base;
    }

    /** The gateway id of a direct child of the base path, else null: the key function of its ZNodeMirror. */
    String gatewayOf(String path) {
        return path.startsWith(base + "/") && path.indexOf('/', base.length() + 1) < 0
                ? path.substring(base.length() + 1) : null;
    }

    /** A started, not yet held, ephemeral node for the gateway; it is created in the background. */
    PersistentNode start(String gatewayId, byte[] data) {
        PersistentNode node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, base + "/" + gatewayId, data);
        node.start();
        return node;
    }

    PersistentNode held(String gatewayId) {
        return held.get(gatewayId);
    }

    /** Holds the gateway's node; one held for it before is closed. */
    void hold(String gatewayId, PersistentNode node) {
        PersistentNode old = held.put(gatewayId, node);
        if (old != null) {
            closeQuietly(old);
        }
    }

    /** Closes the gateway's node, if held here: its znode goes. */
    void release(String gatewayId) {
        PersistentNode node = held.remove(gatewayId);
        if (node != null) {
            closeQuietly(node);
        }
    }

    static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (Exception e) {
            // closing anyway: the ephemeral node goes with the session
        }
    }

    /** Releases every held node. */
    @Override
    public void close() {
        held.values().forEach(GatewayNodes::closeQuietly);
        held.clear();
    }
}
