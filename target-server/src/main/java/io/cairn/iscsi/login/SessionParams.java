package io.cairn.iscsi.login;

/**
 * Every value a login settled, with RFC 7143 section 13 defaults for keys nobody negotiated.
 *
 * @param initiatorMaxRecvDataSegmentLength the largest data segment the target may send in
 *     one PDU, declared by the initiator (RFC 7143 13.12, default 8192)
 * @param targetMaxRecvDataSegmentLength the largest data segment the initiator may send us,
 *     declared by the target
 * @param isid the initiator session id, 48 bits
 * @param cid the connection id of the leading connection
 * @param chapUser the CHAP_N the initiator authenticated as, null when none
 */
public record SessionParams(
        SessionType sessionType,
        String initiatorName,
        String initiatorAlias,
        String targetName,
        String targetAlias,
        int targetPortalGroupTag,
        long isid,
        int cid,
        String chapUser,
        boolean headerDigest,
        boolean dataDigest,
        int maxConnections,
        boolean initialR2T,
        boolean immediateData,
        int maxBurstLength,
        int firstBurstLength,
        int defaultTime2Wait,
        int defaultTime2Retain,
        int maxOutstandingR2T,
        boolean dataPDUInOrder,
        boolean dataSequenceInOrder,
        int errorRecoveryLevel,
        int initiatorMaxRecvDataSegmentLength,
        int targetMaxRecvDataSegmentLength,
        int iscsiProtocolLevel) {

    // RFC 7143 section 13 defaults.
    public static final int DEFAULT_MAX_CONNECTIONS = 1;
    public static final boolean DEFAULT_INITIAL_R2T = true;
    public static final boolean DEFAULT_IMMEDIATE_DATA = true;
    public static final int DEFAULT_MAX_BURST_LENGTH = 262_144;
    public static final int DEFAULT_FIRST_BURST_LENGTH = 65_536;
    public static final int DEFAULT_TIME2WAIT = 2;
    public static final int DEFAULT_TIME2RETAIN = 20;
    public static final int DEFAULT_MAX_OUTSTANDING_R2T = 1;
    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;
    public static final int DEFAULT_PROTOCOL_LEVEL = 1;

    /** A Normal session with nothing negotiated. */
    public static SessionParams defaults() {
        return new SessionParams(SessionType.NORMAL, null, null, null, null, 0, 0, 0, null,
                false, false, DEFAULT_MAX_CONNECTIONS, DEFAULT_INITIAL_R2T, DEFAULT_IMMEDIATE_DATA,
                DEFAULT_MAX_BURST_LENGTH, DEFAULT_FIRST_BURST_LENGTH, DEFAULT_TIME2WAIT,
                DEFAULT_TIME2RETAIN, DEFAULT_MAX_OUTSTANDING_R2T, true, true, 0,
                DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH, DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH,
                DEFAULT_PROTOCOL_LEVEL);
    }

    /** Copy with a new initiator-declared MaxRecvDataSegmentLength (Text renegotiation, RFC 7143 13.12). */
    public SessionParams withInitiatorMaxRecvDataSegmentLength(int length) {
        return new SessionParams(sessionType, initiatorName, initiatorAlias, targetName, targetAlias,
                targetPortalGroupTag, isid, cid, chapUser, headerDigest, dataDigest, maxConnections,
                initialR2T, immediateData, maxBurstLength, firstBurstLength, defaultTime2Wait,
                defaultTime2Retain, maxOutstandingR2T, dataPDUInOrder, dataSequenceInOrder,
                errorRecoveryLevel, length, targetMaxRecvDataSegmentLength, iscsiProtocolLevel);
    }

    public boolean isDiscovery() {
        return sessionType == SessionType.DISCOVERY;
    }
}
