package io.cairn.scsi;

/**
 * Why a command ended in CHECK CONDITION: sense key, additional sense code and qualifier
 * (SPC-4 4.5.6, Annex D). Handlers return these as values; {@code SenseWriter} alone turns them
 * into fixed- or descriptor-format sense bytes.
 */
public enum SenseReason {
    // NOT READY (0x2)
    LUN_NOT_READY_INITIALIZING_REQUIRED(0x2, 0x04, 0x02),
    LUN_NOT_READY_MANUAL_INTERVENTION(0x2, 0x04, 0x03),
    LUN_NOT_READY_ASYMMETRIC_ACCESS_TRANSITION(0x2, 0x04, 0x0A),
    LUN_NOT_ACCESSIBLE_TARGET_PORT_STANDBY(0x2, 0x04, 0x0B),
    LUN_NOT_ACCESSIBLE_TARGET_PORT_UNAVAILABLE(0x2, 0x04, 0x0C),
    MEDIUM_NOT_PRESENT(0x2, 0x3A, 0x00),
    // MEDIUM ERROR (0x3)
    UNRECOVERED_READ_ERROR(0x3, 0x11, 0x00),
    WRITE_ERROR(0x3, 0x0C, 0x00),
    // HARDWARE ERROR (0x4)
    INTERNAL_TARGET_FAILURE(0x4, 0x44, 0x00),
    // ILLEGAL REQUEST (0x5)
    PARAMETER_LIST_LENGTH_ERROR(0x5, 0x1A, 0x00),
    INVALID_FIELD_IN_INFORMATION_UNIT(0x5, 0x0E, 0x03),
    INVALID_COMMAND_OPERATION_CODE(0x5, 0x20, 0x00),
    LBA_OUT_OF_RANGE(0x5, 0x21, 0x00),
    INVALID_FIELD_IN_CDB(0x5, 0x24, 0x00),
    LOGICAL_UNIT_NOT_SUPPORTED(0x5, 0x25, 0x00),
    INVALID_FIELD_IN_PARAMETER_LIST(0x5, 0x26, 0x00),
    SAVING_PARAMETERS_NOT_SUPPORTED(0x5, 0x39, 0x00),
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION(0x5, 0x26, 0x04),
    MEDIUM_REMOVAL_PREVENTED(0x5, 0x53, 0x02),
    INSUFFICIENT_REGISTRATION_RESOURCES(0x5, 0x55, 0x04),
    // UNIT ATTENTION (0x6): raised from the LUN's pending list, listed here for the sense writer
    POWER_ON_RESET(0x6, 0x29, 0x00),
    BUS_DEVICE_RESET_FUNCTION_OCCURRED(0x6, 0x29, 0x03),
    I_T_NEXUS_LOSS_OCCURRED(0x6, 0x29, 0x07),
    MODE_PARAMETERS_CHANGED(0x6, 0x2A, 0x01),
    RESERVATIONS_PREEMPTED(0x6, 0x2A, 0x03),
    RESERVATIONS_RELEASED(0x6, 0x2A, 0x04),
    REGISTRATIONS_PREEMPTED(0x6, 0x2A, 0x05),
    ASYMMETRIC_ACCESS_STATE_CHANGED(0x6, 0x2A, 0x06),
    CAPACITY_DATA_HAS_CHANGED(0x6, 0x2A, 0x09),
    REPORTED_LUNS_DATA_HAS_CHANGED(0x6, 0x3F, 0x0E),
    // DATA PROTECT (0x7)
    WRITE_PROTECTED(0x7, 0x27, 0x00),
    SPACE_ALLOCATION_FAILED_WRITE_PROTECT(0x7, 0x27, 0x07),
    // ABORTED COMMAND (0xB)
    COMMAND_ABORTED(0xB, 0x00, 0x00),
    COMMAND_OVERLAP(0xB, 0x4E, 0x00),
    /** A transport digest or sequence error ended the command (RFC 7143 7.8 at ErrorRecoveryLevel 0). */
    PROTOCOL_SERVICE_CRC_ERROR(0xB, 0x47, 0x05),
    // MISCOMPARE (0xE)
    MISCOMPARE_DURING_VERIFY(0xE, 0x1D, 0x00);

    private final int key;
    private final int asc;
    private final int ascq;

    SenseReason(int key, int asc, int ascq) {
        this.key = key;
        this.asc = asc;
        this.ascq = ascq;
    }

    public int key() {
        return key;
    }

    public int asc() {
        return asc;
    }

    public int ascq() {
        return ascq;
    }
}
