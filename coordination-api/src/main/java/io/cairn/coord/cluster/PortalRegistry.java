package io.cairn.coord.cluster;

import java.util.List;

/**
 * The iSCSI portals of every live gateway, so that SendTargets on any gateway lists all of them
 * (RFC 7143 Appendix C). A gateway's portal lives as long as its coordination session.
 */
public interface PortalRegistry extends AutoCloseable {

    /**
     * Announces this gateway's portal (a TargetAddress value "host:port,tpgt", RFC 7143 13.8) while
     * its session lives; returns once it is stored.
     *
     * @throws io.cairn.coord.CoordinationUnavailableException if it could not be stored
     */
    void register(String gatewayId, String targetAddress);

    /** Every live gateway's portal, sorted. No I/O. */
    List<String> portals();

    /** Withdraws the portals this process registered. */
    @Override
    void close();
}
