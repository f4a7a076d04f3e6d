package io.cairn.iscsi.pdu;

/**
 * What the decoder emits instead of a PDU it could not accept. The connection answers with a
 * Reject carrying {@code header} where the reason allows (RFC 7143 11.17) and, at
 * ErrorRecoveryLevel 0, drops the connection when the stream can no longer be trusted.
 *
 * @param reason   a {@link Reject} reason code, or {@link #NO_REJECT} when the header itself cannot be
 *                 trusted and the only answer is to drop the connection
 * @param header   the 48-byte header as received (for the Reject's data segment)
 * @param fatal    whether the byte stream is no longer framed reliably (the decoder has stopped)
 * @param detail   for logs
 */
public record MalformedPdu(int reason, byte[] header, boolean fatal, String detail) implements ReceivedPdu {
    /** No Reject: the connection is dropped without answering (a header digest error). */
    public static final int NO_REJECT = 0;

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onMalformed(this);
    }
}
