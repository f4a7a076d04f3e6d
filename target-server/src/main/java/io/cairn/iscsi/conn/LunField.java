package io.cairn.iscsi.conn;

/** The 8-byte LUN field of iSCSI PDUs (SAM-5 4.7, single-level addressing). */
final class LunField {
    private LunField() {}

    /** A LUN number that no logical unit has: the SCSI core answers LOGICAL UNIT NOT SUPPORTED. */
    static final long UNSUPPORTED = Long.MAX_VALUE;

    static long decode(long field) {
        int b0 = (int) (field >>> 56) & 0xff;
        int b1 = (int) (field >>> 48) & 0xff;
        if ((field & 0x0000ffffffffffffL) != 0) {
            return UNSUPPORTED; // multi-level addresses are not used by this target
        }
        return switch (b0 >>> 6) {
            case 0 -> (b0 & 0x3f) == 0 ? b1 : UNSUPPORTED; // peripheral device addressing, bus 0
            case 1 -> ((b0 & 0x3f) << 8) | b1;             // flat space addressing
            default -> UNSUPPORTED;
        };
    }
}
