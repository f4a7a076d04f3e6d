package io.cairn.scsi.cdb;

/**
 * Where one field lies in a CDB, as the command's table in SPC-4 or SBC-4 draws it: from byte
 * {@code offset}, {@code bytes} bytes long, most significant byte first, the first
 * byte masked by {@code mask}; a field inside one byte is shifted down by {@code shift} to its
 * lowest bit. Byte 0 is the operation code, which no field covers.
 */
public record CdbField(int offset, int bytes, int mask, int shift) {

    public CdbField {
        if (offset < 1 || bytes < 1 || bytes > 8 || mask <= 0 || mask > 0xFF || shift < 0
                || (bytes > 1 && shift != 0) || (mask >>> shift << shift) != mask) {
            throw new IllegalArgumentException("not a CDB field: byte " + offset + ", " + bytes + " bytes, mask "
                    + Integer.toHexString(mask) + ", shift " + shift);
        }
    }

    /** Whole bytes {@code offset} to {@code offset + bytes - 1}. */
    public static CdbField bytes(int offset, int bytes) {
        return new CdbField(offset, bytes, 0xFF, 0);
    }

    /** Bits {@code high} down to {@code low} of byte {@code offset}. */
    public static CdbField bits(int offset, int high, int low) {
        return new CdbField(offset, 1, ((1 << (high - low + 1)) - 1) << low, low);
    }

    /** Bit {@code bit} of byte {@code offset}. */
    public static CdbField bit(int offset, int bit) {
        return bits(offset, bit, bit);
    }

    /** From bit {@code high} of byte {@code offset} through the end of byte {@code offset + bytes - 1}. */
    public static CdbField from(int offset, int high, int bytes) {
        return new CdbField(offset, bytes, (1 << (high + 1)) - 1, 0);
    }

    /** The most significant bit the field holds in its first byte, for a sense-key specific bit pointer. */
    public int highBit() {
        return 31 - Integer.numberOfLeadingZeros(mask);
    }

    /** The byte after the field. */
    int end() {
        return offset + bytes;
    }

    /** The field's value in {@code cdb}, unsigned (an eight-byte field fills the long: compare it unsigned). */
    long read(byte[] cdb) {
        long v = cdb[offset] & mask;
        for (int i = 1; i < bytes; i++) {
            v = (v << 8) | (cdb[offset + i] & 0xFF);
        }
        return v >>> shift;
    }
}
