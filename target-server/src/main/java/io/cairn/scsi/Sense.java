package io.cairn.scsi;

/**
 * Why a command ends in CHECK CONDITION, as a value: the reason plus the optional INFORMATION
 * field and sense-key specific field pointer (SPC-4 4.5.2.4.2). {@link SenseWriter} encodes it.
 *
 * @param information    the INFORMATION field (e.g. the miscompare offset), or -1 for none
 * @param fieldPointer   byte index of the offending field, or -1 for no sense-key specific data
 * @param inCdb          true if {@code fieldPointer} points into the CDB (C/D bit), false for the parameter list
 * @param bitPointer     bit index 0..7 inside that byte, or -1 if not given (BPV 0)
 */
public record Sense(SenseReason reason, long information, int fieldPointer, boolean inCdb, int bitPointer) {

    public static Sense of(SenseReason reason) {
        return new Sense(reason, -1, -1, false, -1);
    }

    /** INVALID FIELD IN CDB pointing at {@code byteIndex} (SPC-4 4.5.2.4.2). */
    public static Sense invalidCdbField(int byteIndex, int bit) {
        return new Sense(SenseReason.INVALID_FIELD_IN_CDB, -1, byteIndex, true, bit);
    }

    /** INVALID FIELD IN PARAMETER LIST pointing at {@code byteIndex} of the parameter data. */
    public static Sense invalidParameter(int byteIndex, int bit) {
        return new Sense(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, -1, byteIndex, false, bit);
    }

    public static Sense withInformation(SenseReason reason, long information) {
        return new Sense(reason, information, -1, false, -1);
    }

    public boolean hasInformation() {
        return information >= 0;
    }
}
