package io.cairn.iscsi.pdu;

/**
 * What {@link PduDecoder} emits: an {@link InboundPdu}, or a {@link MalformedPdu} in its place.
 * Both reach the connection through one dispatch, {@link InboundPduVisitor}.
 */
public interface ReceivedPdu {
    /** Calls the visitor method for this kind; the visitor takes ownership. */
    void accept(InboundPduVisitor visitor);
}
