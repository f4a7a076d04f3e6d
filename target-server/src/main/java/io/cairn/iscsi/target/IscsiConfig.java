package io.cairn.iscsi.target;

import io.cairn.iscsi.login.TargetLimits;

/**
 * Limits and timers of the iSCSI layer. Everything an initiator controls is bounded here.
 *
 * @param queueDepth           commands outstanding per session (the CmdSN window, RFC 7143 4.2.2.1)
 * @param maxSessions          sessions per gateway; logins beyond get "out of resources"
 * @param maxConnections       TCP connections per gateway, logged in or not; extra ones are closed at once
 * @param writeBudgetBytes     Data-Out bytes the gateway may have solicited and buffered at once; a write reserves all
 *                             it will solicit before its first R2T and waits beyond it
 * @param nopIntervalSeconds   idle time before the target pings with NOP-In; no answer within the same time drops the connection
 * @param loginTimeoutSeconds  a connection must complete login within this time
 * @param portalGroupTag       this gateway's target portal group tag
 * @param relativeTargetPortId this gateway's relative target port identifier (SPC-4 VPD 0x83)
 */
public record IscsiConfig(
        int queueDepth,
        int maxSessions,
        int maxConnections,
        int writeBudgetBytes,
        int nopIntervalSeconds,
        int loginTimeoutSeconds,
        int portalGroupTag,
        int relativeTargetPortId,
        TargetLimits limits) {

    public static IscsiConfig defaults() {
        return new IscsiConfig(128, 256, 1024, 256 << 20, 15, 15, 1, 1, TargetLimits.defaults());
    }

    public IscsiConfig withQueueDepth(int depth) {
        return new IscsiConfig(depth, maxSessions, maxConnections, writeBudgetBytes, nopIntervalSeconds,
                loginTimeoutSeconds, portalGroupTag, relativeTargetPortId, limits);
    }

    /** This gateway's target portal group tag and relative target port id (distinct per gateway). */
    public IscsiConfig withPort(int tpgt, int relativePortId) {
        return new IscsiConfig(queueDepth, maxSessions, maxConnections, writeBudgetBytes, nopIntervalSeconds,
                loginTimeoutSeconds, tpgt, relativePortId, limits);
    }

    public IscsiConfig withNopInterval(int seconds) {
        return new IscsiConfig(queueDepth, maxSessions, maxConnections, writeBudgetBytes, seconds,
                loginTimeoutSeconds, portalGroupTag, relativeTargetPortId, limits);
    }
}
