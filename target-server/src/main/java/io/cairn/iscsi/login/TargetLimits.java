package io.cairn.iscsi.login;

/**
 * What this target accepts and offers during operational negotiation (RFC 7143 13).
 *
 * @param maxRecvDataSegmentLength the MaxRecvDataSegmentLength we declare: the largest data
 *     segment the initiator may send us (RFC 7143 13.12)
 * @param maxBurstLength the largest MaxBurstLength we agree to (RFC 7143 13.13)
 * @param firstBurstLength the largest FirstBurstLength we agree to (RFC 7143 13.14)
 * @param maxOutstandingR2T the largest MaxOutstandingR2T we agree to (RFC 7143 13.17)
 * @param supportsImmediateData whether we accept immediate data (RFC 7143 13.11)
 * @param initialR2T true to insist on InitialR2T=Yes, i.e. refuse unsolicited Data-Out
 *     (RFC 7143 13.10); false lets the initiator choose
 * @param maxConnections connections per session we support (RFC 7143 13.2)
 * @param errorRecoveryLevel the highest ErrorRecoveryLevel we support (RFC 7143 13.20)
 */
public record TargetLimits(
        int maxRecvDataSegmentLength,
        int maxBurstLength,
        int firstBurstLength,
        int maxOutstandingR2T,
        boolean supportsImmediateData,
        boolean initialR2T,
        int maxConnections,
        int errorRecoveryLevel) {

    public TargetLimits {
        // RFC 7143 13.12-13.14: 512 to 2^24-1 bytes.
        checkRange("maxRecvDataSegmentLength", maxRecvDataSegmentLength, 512, 16_777_215);
        checkRange("maxBurstLength", maxBurstLength, 512, 16_777_215);
        checkRange("firstBurstLength", firstBurstLength, 512, 16_777_215);
        checkRange("maxOutstandingR2T", maxOutstandingR2T, 1, 65_535); // RFC 7143 13.17
        checkRange("maxConnections", maxConnections, 1, 65_535); // RFC 7143 13.2
        checkRange("errorRecoveryLevel", errorRecoveryLevel, 0, 2); // RFC 7143 13.20
    }

    public static TargetLimits defaults() {
        return new TargetLimits(262_144, 1_048_576, 262_144, 16, true, false, 1, 0);
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
        }
    }
}
