package io.cairn.appliance;

import io.cairn.block.BlockDevice;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.iscsi.IscsiTargets;
import io.cairn.iscsi.login.AuthConfig;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The targets this gateway presents: one iSCSI target per LUN, the LUN as LUN 0 (the catalog
 * names the target). Serves the iSCSI layer (names, portals, authentication) and the SCSI core
 * (logical units). Thread-safe; lookups do no I/O.
 */
public final class GatewayTargets implements LunDirectory, IscsiTargets {

    private final ApplianceConfig config;
    private final Map<String, LogicalUnit> byTarget = new ConcurrentHashMap<>();
    private volatile List<String> portals = List.of();
    /** Every gateway's portals, in a cluster; null: this gateway's only. */
    private volatile java.util.function.Supplier<List<String>> allPortals;

    GatewayTargets(ApplianceConfig config) {
        this.config = config;
    }

    boolean presents(String targetName) {
        return byTarget.containsKey(targetName);
    }

    void add(LunDefinition lun, BlockDevice device) {
        byTarget.put(lun.targetIqn(), new LogicalUnit(lun.id(), lun.naa(), lun.serial(), device));
    }

    void portalBound(InetSocketAddress bound) {
        portalBound(bound, 1);
    }

    /** This gateway's TargetAddress from its bound address and portal group tag (RFC 7143 13.8). */
    void portalBound(InetSocketAddress bound, int portalGroupTag) {
        String host = config.portalAddress();
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
        if (config.chapUser() == null) {
            return AuthConfig.none();
        }
        if (config.mutualChapUser() != null) {
            return AuthConfig.mutualChap(config.chapUser(), config.chapSecret(),
                    config.mutualChapUser(), config.mutualChapSecret());
        }
        return AuthConfig.chap(config.chapUser(), config.chapSecret());
    }

    /** This gateway's own TargetAddress values. */
    List<String> ownPortals() {
        return portals;
    }

    /** SendTargets answers with every gateway's portals from now on (a cluster). */
    void usePortals(java.util.function.Supplier<List<String>> source) {
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
