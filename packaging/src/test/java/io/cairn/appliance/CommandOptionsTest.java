package io.cairn.appliance;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

import picocli.CommandLine;

/** The options shared through mixins reach each command's configuration under their old names. */
class CommandOptionsTest {

    private static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void gatewayOptionsReachTheGatewayRole() {
        GatewayCommand g = parse(new GatewayCommand(), "--zk-connect=zk1:2181,zk2:2181", "--listen=10.0.0.7",
                "--iscsi-port=3261", "--queue-depth=64", "--chap-user=host", "--chap-secret=hostsecret12",
                "--mutual-chap-user=target", "--mutual-chap-secret=targetsecret", "--gateway-id=3");
        assertEquals("zk1:2181,zk2:2181", g.zk.zkConnect);
        GatewayConfig o = g.config();
        assertEquals("10.0.0.7", o.listen().getHostString());
        assertEquals(3261, o.listen().getPort());
        assertEquals(64, o.queueDepth());
        assertEquals("host", o.auth().user());
        assertEquals("hostsecret12", o.auth().secret());
        assertEquals("target", o.auth().mutualUser());
        assertEquals("targetsecret", o.auth().mutualSecret());
        assertEquals(3, o.gatewayId());
    }

    @Test
    void gatewayDefaultsAreUnchanged() {
        GatewayCommand g = parse(new GatewayCommand(), "--zk-connect=zk:2181");
        GatewayConfig o = g.config();
        assertEquals("0.0.0.0", o.listen().getHostString());
        assertEquals(3260, o.listen().getPort());
        assertEquals(128, o.queueDepth());
        assertNull(o.auth().user());
        assertNull(o.auth().mutualUser());
        assertNull(o.auth().mutualSecret());
        assertNull(o.metrics(), "metrics off");
        assertEquals(Duration.ofSeconds(60), o.nodeGoneTimeout());
        assertEquals(Duration.ofSeconds(20), o.failoverWait());
        assertEquals(Duration.ofSeconds(6), g.zk.settings().sessionTimeout());
        // the gateway inside a store takes the same defaults
        GatewayConfig inStore = parse(new StoreCommand(), "--zk-connect=zk:2181", "--node-id=4", "--data-dir=/tmp/x",
                "--iscsi-port=3262").config().gateway();
        assertEquals(GatewayConfig.defaults().withListen(inStore.listen()).withGatewayId(4).withSite("default"), inStore);
    }

    @Test
    void siteNamesAndSitePoliciesAreCheckedBeforeAnythingConnects() {
        // 127.0.0.1:1 answers nothing: exit 2 shows the option was refused before connecting
        for (String[] bad : new String[][] {
                {"--site", "Tokyo"}, {"--dr-sites", "osaka,osaka"}, {"--dr-sites", "osaka,"},
                {"--site", "tokyo", "--dr-sites", "tokyo"}, {"--dr-sites", "none", "--drop-local-copy"}}) {
            String[] args = new String[] {"--zk-connect", "127.0.0.1:1", "create", "--id", "a", "--size", "1G"};
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(bad))
                    .toArray(String[]::new);
            assertEquals(2, new CommandLine(new LunCommand()).execute(all), String.join(" ", bad));
        }
        assertEquals(2, new CommandLine(new StoreCommand()).execute("--zk-connect", "127.0.0.1:1", "--node-id", "1",
                "--data-dir", "/tmp/never-made", "--site", "two words"));
        assertEquals(2, new CommandLine(new GatewayCommand()).execute("--zk-connect", "127.0.0.1:1", "--site", "a/b"));
    }

    @Test
    void gatewayRefusesTheOptionsRunRefuses() {
        // checked before anything connects: exit 2, nothing started
        assertEquals(2, new CommandLine(new GatewayCommand()).execute("--zk-connect", "127.0.0.1:1", "--queue-depth", "0"));
        assertEquals(2, new CommandLine(new GatewayCommand()).execute("--zk-connect", "127.0.0.1:1",
                "--mutual-chap-user", "t", "--mutual-chap-secret", "target-secret-1"));
        assertEquals(2, new CommandLine(new GatewayCommand()).execute("--zk-connect", "127.0.0.1:1", "--chap-user", "u"));
    }

    @Test
    void clusterRolesStillRequireTheEnsemble() {
        assertThrows(CommandLine.MissingParameterException.class,
                () -> parse(new GatewayCommand(), "--listen=10.0.0.7"));
        assertThrows(CommandLine.MissingParameterException.class,
                () -> parse(new StoreCommand(), "--node-id=1", "--data-dir=/tmp/x"));
        StoreCommand s = parse(new StoreCommand(), "--zk-connect=zk:2181", "--node-id=1", "--data-dir=/tmp/x",
                "--listen=10.0.0.8");
        assertEquals("zk:2181", s.zk.zkConnect);
        assertEquals("10.0.0.8", s.listen, "the store's --listen is the block protocol address, not the mixin's");
        assertNull(s.iscsiPort, "the store's --iscsi-port stays optional");
    }

    @Test
    void aStoreReceivesDrCopiesOnItsShipPortUnlessToldOff() {
        StoreConfig c = parse(new StoreCommand(), "--zk-connect=zk:2181", "--node-id=1", "--data-dir=/tmp/x").config();
        assertEquals(StoreConfig.DEFAULT_SHIP_PORT, c.shipPort());
        assertEquals(0, c.drShipBytesPerSecond(), "no limit by default");
        c = parse(new StoreCommand(), "--zk-connect=zk:2181", "--node-id=1", "--data-dir=/tmp/x", "--ship-port=off",
                "--dr-ship-rate=100M").config();
        assertEquals(StoreConfig.NO_SHIP_PORT, c.shipPort());
        assertEquals(100L << 20, c.drShipBytesPerSecond());
        for (String bad : new String[] {"--ship-port=70000", "--ship-port=-1", "--ship-port=on", "--dr-ship-rate=-5M"}) {
            assertEquals(2, new CommandLine(new StoreCommand()).execute("--zk-connect", "127.0.0.1:1", "--node-id", "1",
                    "--data-dir", "/tmp/never-made", bad), bad);
        }
    }

    @Test
    void runSharesTheIscsiAndChapOptionsWithItsOwnDefaults() {
        Main.Run defaults = parse(new Main.Run());
        assertEquals("0.0.0.0", defaults.iscsi.listen);
        assertEquals(3260, defaults.iscsi.iscsiPort);
        assertEquals(128, defaults.iscsi.queueDepth);
        assertNull(defaults.chap.chapUser);
        assertNull(defaults.zkConnect, "without --zk-connect, run starts an embedded server");
        assertEquals("127.0.0.1:9573", defaults.metrics);

        Main.Run r = parse(new Main.Run(), "--listen=192.0.2.1", "--iscsi-port=13260", "--queue-depth=32",
                "--chap-user=u", "--chap-secret=s", "--mutual-chap-user=mu", "--mutual-chap-secret=ms");
        assertEquals("192.0.2.1", r.iscsi.listen);
        assertEquals(13260, r.iscsi.iscsiPort);
        assertEquals(32, r.iscsi.queueDepth);
        assertEquals("u", r.chap.chapUser);
        assertEquals("s", r.chap.chapSecret);
        assertEquals("mu", r.chap.mutualUser);
        assertEquals("ms", r.chap.mutualSecret);
    }
}
