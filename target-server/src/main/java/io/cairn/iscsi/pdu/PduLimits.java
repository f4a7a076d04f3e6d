package io.cairn.iscsi.pdu;

/**
 * What the decoder enforces and adds, as negotiated for a connection. Before and during login:
 * no digests and 8192-byte data segments (RFC 7143 13.12, MaxRecvDataSegmentLength default applies
 * to login PDUs).
 */
public record PduLimits(boolean headerDigest, boolean dataDigest, int maxRecvDataSegmentLength) {
    public static final PduLimits LOGIN = new PduLimits(false, false, 8192);
}
