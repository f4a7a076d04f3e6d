package io.cairn.scsi.mode;

import static io.cairn.scsi.BigEndian.get16;
import static io.cairn.scsi.BigEndian.put16;

/**
 * The two mode parameter headers (SPC-4 7.5): header(6) of MODE SENSE(6)/MODE SELECT(6) and
 * header(10) of the 10-byte commands. A mode handler instance is built for one of them by its
 * registry row.
 */
public enum ModeParameterHeader {
    SIX(4),
    TEN(8);

    private final int length;

    ModeParameterHeader(int length) {
        this.length = length;
    }

    public int length() {
        return length;
    }

    /**
     * Writes the header at the start of {@code data}, the whole MODE SENSE parameter data: MODE
     * DATA LENGTH (the bytes after itself), the device-specific parameter, LONGLBA (header(10) only)
     * and BLOCK DESCRIPTOR LENGTH.
     */
    void write(byte[] data, int deviceSpecific, boolean longLba, int blockDescriptorLength) {
        if (this == TEN) {
            put16(data, 0, data.length - 2);
            data[3] = (byte) deviceSpecific;
            data[4] = (byte) (longLba ? 0x01 : 0);
            put16(data, 6, blockDescriptorLength);
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = (byte) deviceSpecific;
            data[3] = (byte) blockDescriptorLength;
        }
    }

    /** BLOCK DESCRIPTOR LENGTH of a MODE SELECT parameter list at least {@link #length} long. */
    int blockDescriptorLength(byte[] list) {
        return this == TEN ? get16(list, 6) : list[3] & 0xFF;
    }

    /** LONGLBA of a MODE SELECT parameter list: 16-byte block descriptors (header(10) only). */
    boolean longLba(byte[] list) {
        return this == TEN && (list[4] & 0x01) != 0;
    }
}
