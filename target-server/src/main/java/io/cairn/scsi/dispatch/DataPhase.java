package io.cairn.scsi.dispatch;

/** Which way a command's data moves, and how the core hands Data-Out to its handler. */
public enum DataPhase {
    NONE,
    /** Data-In to the initiator. */
    IN,
    /** Data-Out bound for the medium: passed to the handler as a ByteBuf, zero-copy. */
    MEDIUM_OUT,
    /** Data-Out parameter list: copied into a byte[] and released before the handler runs. */
    PARAMETERS_OUT
}
