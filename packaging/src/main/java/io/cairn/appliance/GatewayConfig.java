package io.cairn.appliance;

import io.cairn.coord.lun.SitePolicy;
import io.cairn.iscsi.login.AuthConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a gateway role is configured with (`cairn gateway`, the gateway inside `cairn store
 * --iscsi-port`, and the gateway part of `cairn run`), with every default in one place.
 *
 * @param listen          the iSCSI listen address and port
 * @param portalAddress   the address SendTargets announces, or null for the listen address (this host's for a wildcard)
 * @param gatewayId       target portal group tag, relative target port id and ALUA target port group, distinct per gateway
 * @param site            the site of LUNs whose definition records none, or null for the site most known nodes are in
 * @param nodeGoneTimeout a store node away this long is replaced (control plane)
 * @param failoverWait    how long a command waits for a sub-unit's failover before it fails
 * @param auth            what initiators must prove at login (CHAP, mutual CHAP), the same for every target
 * @param queueDepth      commands outstanding per session
 * @param nopIntervalSeconds seconds of silence before a NOP-In ping; no answer in as long drops the connection
 * @param metrics         the Prometheus endpoint, or null for none
 */
public record GatewayConfig(InetSocketAddress listen, String portalAddress, int gatewayId, String site,
                            Duration nodeGoneTimeout, Duration failoverWait, AuthConfig auth, int queueDepth,
                            int nopIntervalSeconds, InetSocketAddress metrics) {

    public static final String DEFAULT_LISTEN = "0.0.0.0";
    public static final int DEFAULT_ISCSI_PORT = 3260;
    public static final int DEFAULT_GATEWAY_ID = 1;
    public static final String DEFAULT_NODE_GONE_TIMEOUT = "60s";
    /** Well inside the 30 s command timeout of Linux and ESXi initiators, so a failover is not an abort. */
    public static final String DEFAULT_FAILOVER_WAIT = "20s";
    public static final int DEFAULT_QUEUE_DEPTH = 128;
    public static final int DEFAULT_NOP_INTERVAL_SECONDS = 15;
    public static final int MAX_QUEUE_DEPTH = 4096;

    public GatewayConfig {
        Objects.requireNonNull(listen, "listen");
        if (site != null) {
            SitePolicy.checkName(site);
        }
        Objects.requireNonNull(nodeGoneTimeout, "nodeGoneTimeout");
        Objects.requireNonNull(failoverWait, "failoverWait");
        Objects.requireNonNull(auth, "auth");
        if (gatewayId < 1 || gatewayId > 65535) {
            throw new IllegalArgumentException("gateway id must be 1..65535, not " + gatewayId);
        }
        if (queueDepth < 1 || queueDepth > MAX_QUEUE_DEPTH) {
            throw new IllegalArgumentException("queue depth must be 1.." + MAX_QUEUE_DEPTH + ", not " + queueDepth);
        }
        if (nopIntervalSeconds < 1) {
            throw new IllegalArgumentException("NOP-In interval must be at least 1 s, not " + nopIntervalSeconds);
        }
    }

    /** Every default: all addresses on port 3260, no authentication, no metrics. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(new InetSocketAddress(DEFAULT_LISTEN, DEFAULT_ISCSI_PORT), null, DEFAULT_GATEWAY_ID, null,
                Durations.parse(DEFAULT_NODE_GONE_TIMEOUT, "node gone timeout"),
                Durations.parse(DEFAULT_FAILOVER_WAIT, "failover wait"), AuthConfig.none(), DEFAULT_QUEUE_DEPTH,
                DEFAULT_NOP_INTERVAL_SECONDS, null);
    }

    public GatewayConfig withListen(InetSocketAddress value) {
        return new GatewayConfig(value, portalAddress, gatewayId, site, nodeGoneTimeout, failoverWait, auth, queueDepth,
                nopIntervalSeconds, metrics);
    }

    public GatewayConfig withGatewayId(int value) {
        return new GatewayConfig(listen, portalAddress, value, site, nodeGoneTimeout, failoverWait, auth, queueDepth,
                nopIntervalSeconds, metrics);
    }

    public GatewayConfig withSite(String value) {
        return new GatewayConfig(listen, portalAddress, gatewayId, value, nodeGoneTimeout, failoverWait, auth, queueDepth,
                nopIntervalSeconds, metrics);
    }

    public GatewayConfig withNodeGoneTimeout(Duration value) {
        return new GatewayConfig(listen, portalAddress, gatewayId, site, value, failoverWait, auth, queueDepth,
                nopIntervalSeconds, metrics);
    }
}
