package io.cairn.iscsi.pdu;

/** Dispatch of received PDUs by kind ({@link ReceivedPdu#accept}). Each method takes ownership of the PDU. */
public interface InboundPduVisitor {
    void onNopOut(NopOut pdu);

    void onScsiCommand(ScsiCommandPdu pdu);

    void onTaskMgmtRequest(TaskMgmtRequest pdu);

    void onLoginRequest(LoginRequest pdu);

    void onTextRequest(TextRequest pdu);

    void onDataOut(DataOut pdu);

    void onLogoutRequest(LogoutRequest pdu);

    /** A PDU with an opcode this target does not support (including SNACK at ErrorRecoveryLevel 0). */
    void onUnsupported(UnsupportedPdu pdu);

    /** What the decoder emitted in place of a PDU it could not accept (it holds no buffer). */
    void onMalformed(MalformedPdu pdu);
}
