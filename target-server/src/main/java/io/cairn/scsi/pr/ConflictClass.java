package io.cairn.scsi.pr;

/**
 * How a command behaves when another I_T nexus holds a reservation (SPC-4 5.14.2 Table 64 for
 * persistent reservations, SPC-2 5.5.1 for RESERVE/RELEASE). Each opcode-registry entry names one.
 */
public enum ConflictClass {
    /** Never conflicts (INQUIRY, REPORT LUNS, REQUEST SENSE, PERSISTENT RESERVE IN/OUT, ...). */
    ALLOWED,
    /** Reads data or state: allowed under Write Exclusive types, conflicts under Exclusive Access types. */
    READ,
    /** Modifies the medium or state: conflicts for non-holders (registrants allowed in RO/AR types). */
    WRITE,
    /** RESERVE(6/10) / RELEASE(6/10): conflict whenever a persistent reservation exists (SPC-4 5.14.3). */
    SPC2_RESERVATION
}
