package io.cairn.scsi.pr;

/**
 * How a command behaves when another I_T nexus holds a reservation (SPC-4 5.14.2 Table 65 for
 * persistent reservations, SPC-2 5.5.1 for RESERVE/RELEASE). Each opcode-registry entry names one;
 * {@link PersistentReservations#conflicts} reads it.
 */
public enum ConflictClass {
    /**
     * Never conflicts: Table 65 "Allowed" in every column (INQUIRY, REPORT LUNS, REQUEST SENSE,
     * REPORT TARGET PORT GROUPS, LOG SENSE, PERSISTENT RESERVE IN, TEST UNIT READY, ...) and
     * PERSISTENT RESERVE OUT, whose service actions check keys themselves (Table 66). These also pass
     * an SPC-2 reservation held by another I_T nexus.
     */
    ALLOWED,
    /**
     * Reads data or state (READ, VERIFY, MODE SENSE, READ CAPACITY, REPORT SUPPORTED OPERATION CODES, ...):
     * let through Write Exclusive types for everyone and registrants only / all registrants types for
     * registrants; conflicts under Exclusive Access types for non-holders (registrants excepted in the
     * RO/AR types) and under an SPC-2 reservation of another I_T nexus.
     */
    READ,
    /**
     * Modifies the medium or state (WRITE, UNMAP, MODE SELECT, ...): conflicts for every non-holder
     * except registrants of registrants only / all registrants types, and under an SPC-2 reservation
     * of another I_T nexus.
     */
    WRITE,
    /**
     * RESERVE(6/10) and RELEASE(6/10). With persistent reservation state present (any registration or
     * reservation) they conflict (SPC-4 5.14.3), except for an I_T nexus whose RELEASE completes GOOD
     * without effect (a holder, or a registrant of an RO/AR reservation): that one passes here and
     * {@link PersistentReservations#reserve}/{@link PersistentReservations#release} decide. Under SPC-2
     * reservations alone they never conflict here, because a RELEASE from a non-holder is GOOD (SPC-2 7.24)
     * while a RESERVE from one is refused by {@link PersistentReservations#reserve}.
     */
    SPC2_RESERVATION
}
