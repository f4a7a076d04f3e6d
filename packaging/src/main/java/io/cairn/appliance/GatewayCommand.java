package io.cairn.appliance;

import io.cairn.coord.client.Coordination;
import io.cairn.gateway.IscsiGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `cairn gateway`: an iSCSI gateway for the distributed LUNs of a cluster, and a candidate for the
 * control plane (one leader among the gateways places sub-units and handles failover).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run an iSCSI gateway for the cluster's LUNs (and the control plane when elected leader).")
final class GatewayCommand implements Callable<Integer> {

    @Mixin
    ZooKeeperOptions zk;
    @Mixin
    IscsiOptions iscsi;
    @Mixin
    ChapOptions chap;
    @Option(names = "--portal-address", description = "Address announced by SendTargets.")
    String portalAddress;
    @Option(names = "--gateway-id", defaultValue = "" + GatewayConfig.DEFAULT_GATEWAY_ID, description = "Target portal group tag and relative port id of this gateway, distinct per gateway (default: ${DEFAULT-VALUE}).")
    int gatewayId;
    @Option(names = "--site", description = "Site whose store nodes hold the local copies of LUNs that record no site (created by releases before sites were recorded; default: the site most known nodes are in).")
    String site;
    @Option(names = "--node-gone-timeout", defaultValue = GatewayConfig.DEFAULT_NODE_GONE_TIMEOUT, description = "A store node away this long is replaced (default: ${DEFAULT-VALUE}).")
    String nodeGoneTimeout;
    @Option(names = "--failover-wait", defaultValue = GatewayConfig.DEFAULT_FAILOVER_WAIT, description = "How long a command waits for a sub-unit's failover before failing (default: ${DEFAULT-VALUE}).")
    String failoverWait;
    /** Accepted for old command lines; a LUN's target name is set when it is created (`cairn lun create`). */
    @Option(names = "--target-prefix", hidden = true)
    String targetPrefix;
    @Option(names = "--metrics", defaultValue = "off", description = "Prometheus endpoint host:port, or 'off' (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        Coordination.Settings settings;
        try {
            config = config();
            settings = zk.settings();
        } catch (IllegalArgumentException e) {
            System.err.println("cairn: " + e.getMessage());
            return 2;
        }
        if (targetPrefix != null) {
            System.err.println("cairn: --target-prefix has no effect on a gateway: a LUN's target name is set by `cairn lun create`");
        }
        StartedParts started = new StartedParts();
        IscsiGateway gateway;
        try {
            Coordination coordination = started.add(new Coordination(settings).start());
            gateway = new GatewayRole(config, coordination, -1, null, null).start(started);
        } catch (IOException | RuntimeException e) {
            started.close();
            System.err.println("cairn: gateway failed to start: " + e);
            return 1;
        } catch (InterruptedException e) {
            started.close(); // whatever started, a ZooKeeper session and its ephemeral nodes among it, goes now
            throw e;
        }
        CountDownLatch stopped = StartedParts.closeOnShutdown(started);
        InetSocketAddress portal = gateway.portal();
        System.out.println("Gateway ready: portal " + portal.getAddress().getHostAddress() + ":" + portal.getPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    GatewayConfig config() {
        iscsi.validate();
        return new GatewayConfig(iscsi.address(), portalAddress, gatewayId, site,
                Durations.parse(nodeGoneTimeout, "--node-gone-timeout"), Durations.parse(failoverWait, "--failover-wait"),
                chap.auth(), iscsi.queueDepth, GatewayConfig.DEFAULT_NOP_INTERVAL_SECONDS,
                Endpoints.parseOrOff(metrics, "--metrics"));
    }
}
