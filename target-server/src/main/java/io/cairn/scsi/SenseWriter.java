package io.cairn.scsi;

/**
 * The one place that turns a {@link Sense} into sense data bytes: fixed format (response code 0x70,
 * SPC-4 4.5.3) or descriptor format (0x72, SPC-4 4.5.2) when the Control mode page D_SENSE bit is
 * one (SPC-4 7.5.8).
 */
public final class SenseWriter {

    private static final int FIXED_LENGTH = 18;

    private SenseWriter() {}

    public static byte[] encode(Sense sense, boolean descriptorFormat) {
        SenseReason r = sense.reason();
        return encode(r.key(), r.asc(), r.ascq(), sense, descriptorFormat);
    }

    /** Sense data reporting no error (NO SENSE), as REQUEST SENSE returns it (SPC-4 6.39). */
    public static byte[] noSense(boolean descriptorFormat) {
        return encode(0, 0, 0, null, descriptorFormat);
    }

    private static byte[] encode(int key, int asc, int ascq, Sense sense, boolean descriptor) {
        boolean info = sense != null && sense.hasInformation();
        boolean sks = sense != null && sense.fieldPointer() >= 0;
        if (!descriptor) {
            byte[] b = new byte[FIXED_LENGTH];
            // SPC-4 4.5.3 Table 48: VALID bit covers the INFORMATION field (4 bytes)
            b[0] = (byte) (0x70 | (info ? 0x80 : 0));
            b[2] = (byte) (key & 0x0F);
            if (info) {
                putInt(b, 3, (int) sense.information());
            }
            b[7] = (byte) (FIXED_LENGTH - 8);
            b[12] = (byte) asc;
            b[13] = (byte) ascq;
            if (sks) {
                writeFieldPointer(b, 15, sense);
            }
            return b;
        }
        int len = 8 + (info ? 12 : 0) + (sks ? 8 : 0);
        byte[] b = new byte[len];
        b[0] = 0x72; // SPC-4 4.5.2.1 current error, descriptor format
        b[1] = (byte) (key & 0x0F);
        b[2] = (byte) asc;
        b[3] = (byte) ascq;
        b[7] = (byte) (len - 8);
        int at = 8;
        if (info) {
            // SPC-4 4.5.2.2 information descriptor
            b[at] = 0x00;
            b[at + 1] = 0x0A;
            b[at + 2] = (byte) 0x80;
            putLong(b, at + 4, sense.information());
            at += 12;
        }
        if (sks) {
            // SPC-4 4.5.2.4.1 sense key specific descriptor
            b[at] = 0x02;
            b[at + 1] = 0x06;
            writeFieldPointer(b, at + 4, sense);
        }
        return b;
    }

    /** SPC-4 4.5.2.4.2 field pointer: SKSV, C/D, BPV, bit pointer, two-byte field pointer. */
    private static void writeFieldPointer(byte[] b, int at, Sense s) {
        int first = 0x80 | (s.inCdb() ? 0x40 : 0);
        if (s.bitPointer() >= 0) {
            first |= 0x08 | (s.bitPointer() & 0x07);
        }
        b[at] = (byte) first;
        b[at + 1] = (byte) (s.fieldPointer() >> 8);
        b[at + 2] = (byte) s.fieldPointer();
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
