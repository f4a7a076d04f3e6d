package io.cairn.coord.cluster;

import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;

/**
 * The iSCSI portals of every live gateway, so that SendTargets on any gateway lists all of them
 * (RFC 7143 Appendix C; the "SendTargets lists every gateway's portal"). Each gateway holds
 * an ephemeral /portals/&lt;gatewayId&gt; with its TargetAddress value "host:port,tpgt"; reads come
 * from a watched local copy.
 */
public final class ZkPortalRegistry extends ZNodeStore implements PortalRegistry {

    private static final String BASE = "/portals";

    private final GatewayNodes mine;
    private final ZNodeMirror<String> mirror;

    private ZkPortalRegistry(ZkSession session) {
        super(session);
        this.mine = new GatewayNodes(curator, BASE);
        this.mirror = watch(BASE, mine::gatewayOf, bytes -> new String(bytes, StandardCharsets.UTF_8), (k, e) -> { });
    }

    public static ZkPortalRegistry open(ZkSession session) {
        ZkPortalRegistry r = new ZkPortalRegistry(session);
        r.prime();
        return r;
    }

    /** Announces this gateway's portal (a TargetAddress value, RFC 7143 13.8) while its session lives. */
    @Override
    public void register(String gatewayId, String targetAddress) {
        PersistentNode node = mine.start(gatewayId, targetAddress.getBytes(StandardCharsets.UTF_8));
        try {
            if (!node.waitForInitialCreate(15, TimeUnit.SECONDS)) {
                throw new CoordinationUnavailableException("could not register portal of " + gatewayId, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationUnavailableException("interrupted registering portal of " + gatewayId, e);
        }
        mine.hold(gatewayId, node);
    }

    /** Every live gateway's portal, sorted. No I/O. */
    @Override
    public List<String> portals() {
        return mirror.entries().values().stream().map(ZNodeMirror.Entry::value).filter(Objects::nonNull).sorted().toList();
    }

    @Override
    public void close() {
        mine.close();
        super.close();
    }
}
