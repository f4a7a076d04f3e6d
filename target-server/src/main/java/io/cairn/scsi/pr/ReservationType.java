package io.cairn.scsi.pr;

/**
 * Persistent reservation types (SPC-4 6.15.3.4, Table 183). The type decides which I_T nexuses a
 * reservation restricts and who counts as its holder.
 */
public enum ReservationType {
    WRITE_EXCLUSIVE(0x1),
    EXCLUSIVE_ACCESS(0x3),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8);

    private final int code;

    ReservationType(int code) {
        this.code = code;
    }

    /** The TYPE field value. */
    public int code() {
        return code;
    }

    /** The type with this TYPE field value, or null for an obsolete or reserved value. */
    public static ReservationType of(int code) {
        for (ReservationType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** All registrants types: every registered I_T nexus is a holder (SPC-4 5.14.10). */
    public boolean allRegistrants() {
        return this == WRITE_EXCLUSIVE_ALL_REGISTRANTS || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** Registrants only types: one holder, but every registrant has access (SPC-4 5.14.2 Table 65). */
    public boolean registrantsOnly() {
        return this == WRITE_EXCLUSIVE_REGISTRANTS_ONLY || this == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    }

    /** Registrants only or all registrants: registered I_T nexuses are not restricted. */
    public boolean registrantsHaveAccess() {
        return registrantsOnly() || allRegistrants();
    }

    /** Exclusive Access types also restrict reads; Write Exclusive types restrict writes only. */
    public boolean exclusiveAccess() {
        return this == EXCLUSIVE_ACCESS || this == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY
                || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** Bit of this type in the PERSISTENT RESERVATION TYPE MASK (SPC-4 6.15.4, Table 190). */
    int typeMaskBit() {
        return switch (this) {
            case WRITE_EXCLUSIVE_ALL_REGISTRANTS -> 0x8000;
            case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> 0x4000;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> 0x2000;
            case EXCLUSIVE_ACCESS -> 0x0800;
            case WRITE_EXCLUSIVE -> 0x0200;
            case EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> 0x0001;
        };
    }
}
