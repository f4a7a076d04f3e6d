package io.cairn.appliance;

import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.iscsi.IscsiConfig;
import io.cairn.iscsi.IscsiServer;
import io.cairn.scsi.DefaultScsiCore;
import io.cairn.scsi.ScsiCoreConfig;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The SCSI core and the iSCSI portal over a set of targets: the gateway role, in any process. */
final class IscsiGateway implements AutoCloseable {

    private final IscsiServer server;
    private final InetSocketAddress portal;

    private IscsiGateway(IscsiServer server, InetSocketAddress portal) {
        this.server = server;
        this.portal = portal;
    }

    static IscsiGateway start(GatewayTargets targets, ScsiContextStore contexts, IscsiConfig iscsi,
                              InetSocketAddress listen) throws InterruptedException {
        return start(targets, contexts, io.cairn.scsi.SharedNexuses.NONE, ScsiCoreConfig.defaults(), iscsi, listen);
    }

    /**
     * @param shared other gateways' nexuses (a cluster), or SharedNexuses.NONE
     * @param scsi   identity, limits and target port groups (every gateway's, in a cluster)
     */
    static IscsiGateway start(GatewayTargets targets, ScsiContextStore contexts, io.cairn.scsi.SharedNexuses shared,
                              ScsiCoreConfig scsi, IscsiConfig iscsi, InetSocketAddress listen) throws InterruptedException {
        ServerRef ref = new ServerRef();
        DefaultScsiCore core = new DefaultScsiCore(targets, contexts, scsi,
                io.cairn.scsi.Reservations.SPC4, ref::abortTasks, Runnable::run, shared);
        IscsiServer server = new IscsiServer(core, targets, iscsi, Math.max(2, Runtime.getRuntime().availableProcessors()));
        ref.server = server;
        InetSocketAddress portal;
        try {
            portal = server.start(listen);
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        targets.portalBound(portal, iscsi.portalGroupTag());
        return new IscsiGateway(server, portal);
    }

    InetSocketAddress portal() {
        return portal;
    }

    IscsiServer server() {
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
