package io.cairn.gateway;

import io.cairn.iscsi.IscsiServer;
import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.core.DefaultScsiCore;
import io.cairn.scsi.pr.Reservations;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The SCSI core and the iSCSI portal over a set of targets: the gateway role, in any process. */
public final class IscsiGateway implements AutoCloseable {

    private final IscsiServer server;
    private final GatewayTargets targets;
    private volatile InetSocketAddress portal;

    private IscsiGateway(IscsiServer server, GatewayTargets targets) {
        this.server = server;
        this.targets = targets;
    }

    public static IscsiGateway start(GatewayTargets targets, ScsiContextStore contexts, IscsiConfig iscsi,
                              InetSocketAddress listen) throws InterruptedException {
        return start(targets, contexts, io.cairn.scsi.SharedNexuses.NONE, ScsiCoreConfig.defaults(), iscsi, listen, null);
    }

    /**
     * @param shared other gateways' nexuses (a cluster), or SharedNexuses.NONE
     * @param scsi    identity, limits and target port groups (every gateway's, in a cluster)
     * @param workers event loops shared with the block-protocol clients (owned by the caller), or null for own ones
     */
    public static IscsiGateway start(GatewayTargets targets, ScsiContextStore contexts, io.cairn.scsi.SharedNexuses shared,
                              ScsiCoreConfig scsi, IscsiConfig iscsi, InetSocketAddress listen,
                              io.netty.channel.EventLoopGroup workers) throws InterruptedException {
        IscsiGateway gateway = create(targets, contexts, shared, scsi, iscsi, workers);
        try {
            gateway.listen(listen, iscsi);
        } catch (InterruptedException | RuntimeException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /**
     * The SCSI core and the server, not yet listening: the core's apply steps are registered with {@code contexts}.
     * @param workers event loops shared with the block-protocol clients (owned by the caller), or null for own ones
     */
    public static IscsiGateway create(GatewayTargets targets, ScsiContextStore contexts, io.cairn.scsi.SharedNexuses shared,
                               ScsiCoreConfig scsi, IscsiConfig iscsi, io.netty.channel.EventLoopGroup workers) {
        ServerRef ref = new ServerRef();
        DefaultScsiCore core = new DefaultScsiCore(targets, contexts, scsi,
                Reservations.SPC4, ref::abortTasks, Runnable::run, shared);
        IscsiServer server = workers != null ? new IscsiServer(core, targets, iscsi, workers)
                : new IscsiServer(core, targets, iscsi, Math.max(2, Runtime.getRuntime().availableProcessors()));
        ref.server = server;
        return new IscsiGateway(server, targets);
    }

    /** Opens the portal. */
    public void listen(InetSocketAddress listen, IscsiConfig iscsi) throws InterruptedException {
        portal = server.start(listen);
        targets.portalBound(portal, iscsi.portalGroupTag());
    }

    public InetSocketAddress portal() {
        return portal;
    }

    public IscsiServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Breaks the construction cycle: the SCSI core aborts tasks through the server built after it. */
    private static final class ServerRef {
        volatile IscsiServer server;

        CompletableFuture<Void> abortTasks(String lunId, Set<String> nexusKeys) {
            IscsiServer s = server;
            return s == null ? CompletableFuture.completedFuture(null) : s.abortTasks(nexusKeys);
        }
    }
}
