package io.cairn.appliance;

import io.cairn.coord.Coordination;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(GatewayCommand.class);

    @Mixin
    ZooKeeperOptions zk;
    @Mixin
    IscsiOptions iscsi;
    @Mixin
    ChapOptions chap;
    @Option(names = "--zk-session-timeout", defaultValue = "6s", description = "ZooKeeper session timeout (default: ${DEFAULT-VALUE}).")
    String zkSessionTimeout;
    @Option(names = "--portal-address", description = "Address announced by SendTargets.")
    String portalAddress;
    @Option(names = "--gateway-id", defaultValue = "1", description = "Target portal group tag and relative port id of this gateway, distinct per gateway (default: ${DEFAULT-VALUE}).")
    int gatewayId;
    @Option(names = "--site", description = "Site whose store nodes hold the LUNs' local copies (default: the site most known nodes are in).")
    String site;
    @Option(names = "--node-gone-timeout", defaultValue = "60s", description = "A store node away this long is replaced (default: ${DEFAULT-VALUE}).")
    String nodeGoneTimeout;
    @Option(names = "--failover-wait", defaultValue = "20s", description = "How long a command waits for a sub-unit's failover before failing (default: ${DEFAULT-VALUE}).")
    String failoverWait;
    @Option(names = "--target-prefix", defaultValue = "iqn.2026-11.io.cairn:", description = "Target IQN prefix (default: ${DEFAULT-VALUE}).")
    String targetPrefix;
    @Option(names = "--chap-secret", description = "CHAP secret.")
    String chapSecret;
    @Option(names = "--metrics", defaultValue = "off", description = "Prometheus endpoint host:port, or 'off' (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Override
    public Integer call() throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Duration session = Durations.parse(zkSessionTimeout, "--zk-session-timeout");
            Duration gone = Durations.parse(nodeGoneTimeout, "--node-gone-timeout");
            Duration wait = Durations.parse(failoverWait, "--failover-wait");
            chap.validate(chapSecret);
            iscsi.validate();
            Coordination coordination = new Coordination(Coordination.Settings.of(zk.zkConnect).withSessionTimeout(session)).start();
            started.push(coordination);
            IscsiGateway gateway = new GatewayRole(options(gone, wait), coordination, -1, null, null).start(started);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                StoreCommand.closeAll(started);
                stopped.countDown();
            }, "cairn-shutdown"));
            InetSocketAddress portal = gateway.portal();
            System.out.println("Gateway ready: portal " + portal.getAddress().getHostAddress() + ":" + portal.getPort());
            System.out.flush();
            stopped.await();
            return 0;
        } catch (IllegalArgumentException e) {
            StoreCommand.closeAll(started);
            System.err.println("cairn: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            StoreCommand.closeAll(started);
            System.err.println("cairn: gateway failed to start: " + e);
            return 1;
        }
    }

    GatewayRole.Options options(Duration gone, Duration wait) {
        return new GatewayRole.Options(iscsi.listen, iscsi.iscsiPort, portalAddress, gatewayId, site, gone, wait,
                targetPrefix, chap.chapUser, chapSecret, chap.mutualUser, chap.mutualSecret, iscsi.queueDepth, metrics);
    }

}
