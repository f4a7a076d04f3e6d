package io.cairn.scsi.dispatch;

/**
 * A rule the core applies to a command before its handler runs, set on the command's
 * {@link OpcodeEntry} so the core never tests opcode numbers itself.
 */
public enum CommandTrait {
    /** Processed for a LUN that has no logical unit (SPC-4 4.6.3, SAM-5 5.9). */
    SERVED_WITHOUT_LOGICAL_UNIT,
    /** Neither reports nor waits on a pending unit attention (SAM-5 5.14). */
    IGNORES_UNIT_ATTENTION,
    /**
     * Data-Out may hold fewer whole blocks than the CDB asks for; those are written and the
     * transport reports the overflow (RFC 7143 11.4.5.2). Without it, short Data-Out is refused.
     */
    WRITES_WHOLE_BLOCKS_RECEIVED,
    /** A zero block count in the CDB with Data-Out is an invalid CDB field (SBC-4 5.3). */
    REFUSES_DATA_WITHOUT_BLOCKS
}
