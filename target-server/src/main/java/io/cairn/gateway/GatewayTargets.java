package io.cairn.gateway;

import io.cairn.iscsi.target.IscsiTargets;
import io.cairn.iscsi.login.AuthConfig;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The targets this gateway presents: one iSCSI target per LUN, the LUN as LUN 0 (the catalog
 * names the target). Serves the iSCSI layer (names, portals, authentication) and the SCSI core
 * (logical units). Thread-safe; lookups do no I/O.
 */
public final class GatewayTargets implements LunDirectory, IscsiTargets {

    private final String portalAddress;
    private final AuthConfig auth;
    private final Map<String, LogicalUnit> byTarget = new ConcurrentHashMap<>();
    private volatile List<String> portals = List.of();
    /** Every gateway's portals, in a cluster; null: this gateway's only. */
    private volatile java.util.function.Supplier<List<String>> allPortals;

    /**
     * @param portalAddress the address SendTargets announces, or null for the bound address (or, bound
     *                      to the wildcard, this host's address)
     * @param auth          what initiators must prove at login, the same for every target
     */
    public GatewayTargets(String portalAddress, AuthConfig auth) {
        this.portalAddress = portalAddress;
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    public boolean presents(String targetName) {
        return byTarget.containsKey(targetName);
    }

    /** Presents {@code unit} as LUN 0 of the target {@code targetName}. */
    public void add(String targetName, LogicalUnit unit) {
        byTarget.put(targetName, unit);
    }

    /** This gateway's TargetAddress from its bound address and portal group tag (RFC 7143 13.8). */
    void portalBound(InetSocketAddress bound, int portalGroupTag) {
        String host = portalAddress;
        if (host == null) {
            InetAddress a = bound.getAddress();
            host = a.isAnyLocalAddress() ? guessHostAddress() : a.getHostAddress();
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        portals = List.of(host + ":" + bound.getPort() + "," + portalGroupTag);
    }

    private static String guessHostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    public List<LogicalUnit> units() {
        return new ArrayList<>(byTarget.values());
    }

    // ---- LunDirectory

    @Override
    public Optional<LogicalUnit> find(String targetName, long lun) {
        return lun == 0 ? Optional.ofNullable(byTarget.get(targetName)) : Optional.empty();
    }

    @Override
    public List<Long> luns(String targetName) {
        return byTarget.containsKey(targetName) ? List.of(0L) : List.of();
    }

    // ---- IscsiTargets

    @Override
    public List<String> targetNames() {
        return byTarget.keySet().stream().sorted().toList();
    }

    @Override
    public boolean exists(String targetName) {
        return byTarget.containsKey(targetName);
    }

    @Override
    public AuthConfig auth(String targetName) {
        return auth;
    }

    /** This gateway's own TargetAddress values. */
    public List<String> ownPortals() {
        return portals;
    }

    /** SendTargets answers with every gateway's portals from now on (a cluster). */
    public void usePortals(java.util.function.Supplier<List<String>> source) {
        this.allPortals = source;
    }

    @Override
    public List<String> portals(String targetName) {
        var source = allPortals;
        if (source != null) {
            List<String> all = source.get();
            if (!all.isEmpty()) {
                return all;
            }
        }
        return portals;
    }
}
