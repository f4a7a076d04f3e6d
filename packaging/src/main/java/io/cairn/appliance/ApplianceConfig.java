package io.cairn.appliance;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Everything `cairn run` is configured with. Defaults give the single-node appliance: embedded
 * ZooKeeper, one store, one gateway, a 1 GiB default LUN.
 *
 * @param zkConnect   external ZooKeeper ensemble, or null to run an embedded server
 * @param chapUser    CHAP user required of initiators, or null for no authentication
 */
public record ApplianceConfig(
        Path dataDir,
        InetSocketAddress iscsiListen,
        String portalAddress,
        String zkConnect,
        InetSocketAddress zkListen,
        int nodeId,
        String defaultLunId,
        String targetIqnPrefix,
        long defaultLunBytes,
        long subUnitBytes,
        int blockSize,
        String naaCompanyId,
        String chapUser,
        String chapSecret,
        String mutualChapUser,
        String mutualChapSecret,
        int queueDepth,
        int ioThreads,
        int nopIntervalSeconds,
        InetSocketAddress metricsListen) {

    public String targetIqn(String lunId) {
        return targetIqnPrefix + lunId;
    }
}
