package io.cairn.scsi.pr;

import java.nio.charset.StandardCharsets;

/**
 * iSCSI TransportIDs (SPC-4 7.6.4.6): format 00b carries an iSCSI name, format 01b an initiator
 * port name {@code <iSCSI name>,i,0x<ISID>}. Both are a NUL-terminated UTF-8 string padded with
 * zeros to a multiple of four bytes, after a four-byte header.
 */
public final class IscsiTransportId {

    /** PROTOCOL IDENTIFIER for iSCSI (SPC-4 7.6.1, Table 444). */
    public static final int PROTOCOL_ISCSI = 0x5;
    static final int FORMAT_NAME = 0x0;
    static final int FORMAT_PORT = 0x1;
    private static final String SEPARATOR = ",i,0x";

    private IscsiTransportId() {}

    /** Encodes an initiator port name as a format 01b TransportID (format 00b if it has no ISID part). */
    public static byte[] encode(String initiatorPort) {
        int format = initiatorPort.contains(SEPARATOR) ? FORMAT_PORT : FORMAT_NAME;
        byte[] name = initiatorPort.getBytes(StandardCharsets.UTF_8);
        // SPC-4 7.6.4.6: NUL terminated, padded to a multiple of 4, ADDITIONAL LENGTH at least 20
        int body = Math.max(20, (name.length + 1 + 3) & ~3);
        byte[] out = new byte[4 + body];
        out[0] = (byte) (format << 6 | PROTOCOL_ISCSI);
        out[2] = (byte) (body >>> 8);
        out[3] = (byte) body;
        System.arraycopy(name, 0, out, 4, name.length);
        return out;
    }

    /**
     * Decodes the TransportID at {@code offset} of {@code data}, {@code length} bytes long: the
     * initiator port name (format 01b) or the bare iSCSI name (format 00b), or null if it is not a
     * well-formed iSCSI TransportID.
     */
    public static Parsed decode(byte[] data, int offset, int length) {
        if (length < 4 || offset + length > data.length) {
            return null;
        }
        int format = (data[offset] & 0xC0) >>> 6;
        if ((data[offset] & 0x0F) != PROTOCOL_ISCSI || format > FORMAT_PORT) {
            return null;
        }
        int additional = (data[offset + 2] & 0xFF) << 8 | data[offset + 3] & 0xFF;
        if (additional + 4 > length) {
            return null;
        }
        int end = offset + 4;
        while (end < offset + 4 + additional && data[end] != 0) {
            end++;
        }
        if (end == offset + 4 + additional || end == offset + 4) {
            return null; // not NUL terminated, or empty
        }
        String name = new String(data, offset + 4, end - offset - 4, StandardCharsets.UTF_8);
        boolean hasIsid = name.contains(SEPARATOR);
        if (format == FORMAT_PORT != hasIsid) {
            return null; // SPC-4 7.6.4.6: format 01b requires the separator and ISID, format 00b forbids them
        }
        return new Parsed(name, hasIsid);
    }

    /** The decoded name and whether it names one initiator port (format 01b) or any port of a device (00b). */
    public record Parsed(String name, boolean initiatorPort) {

        /** Whether the registration's initiator port {@code initiatorPort} is named by this TransportID. */
        public boolean matches(String port) {
            if (initiatorPort) {
                return port.equalsIgnoreCase(name);
            }
            int i = port.indexOf(SEPARATOR);
            return (i < 0 ? port : port.substring(0, i)).equalsIgnoreCase(name);
        }
    }
}
