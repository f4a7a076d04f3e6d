package io.cairn.scsi;

/** SCSI fields are big-endian (SPC-4 3.5.1); these read and write them in byte arrays. */
public final class BigEndian {

    private BigEndian() {}

    public static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    public static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    public static void put64(byte[] b, int at, long v) {
        put32(b, at, v >>> 32);
        put32(b, at + 4, v);
    }

    public static int get16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    public static long get32(byte[] b, int at) {
        return ((long) get16(b, at) << 16) | get16(b, at + 2);
    }

    public static long get64(byte[] b, int at) {
        return (get32(b, at) << 32) | get32(b, at + 4);
    }
}
