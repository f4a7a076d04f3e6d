package io.cairn.store.dr;

import java.nio.ByteBuffer;

/**
 * Which sub-unit a shipping request is about, with the geometry its DR copy must have: what every
 * request body of {@link ShipProtocol} starts with. The receiver keeps the copy of sub-unit
 * {@code <lun>/<index>} as its own sub-unit {@code <lun>@dr/<index>} ({@link #copyName}), so it
 * never mixes with a local copy of another LUN it holds for its own site.
 */
public record DrCopy(String lunId, int index, long blockCount, int blockSize, int replicationBlockBytes) {
    public DrCopy {
        if (!lunId.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("bad LUN id '" + lunId + "' in a shipping request");
        }
        if (index < 0 || blockCount < 1 || blockSize < 512 || replicationBlockBytes < blockSize
                || replicationBlockBytes % blockSize != 0) {
            throw new IllegalArgumentException("bad geometry of " + lunId + "/" + index + ": " + blockCount + " x "
                    + blockSize + ", replication blocks of " + replicationBlockBytes);
        }
    }

    /** What a receiving store appends to a LUN id to name the DR copies of its sub-units. */
    public static final String COPY_SUFFIX = "@dr";

    /** The LUN id the receiving store keeps the copy under. */
    public String copyName() {
        return lunId + COPY_SUFFIX;
    }

    /** The LUN whose DR copies {@code copyName} names, or null if it names none. */
    public static String lunOfCopy(String copyName) {
        return copyName.endsWith(COPY_SUFFIX) ? copyName.substring(0, copyName.length() - COPY_SUFFIX.length()) : null;
    }

    /** {@code <lun>/<index>}, as change cursors name sub-units. */
    public String subUnit() {
        return lunId + "/" + index;
    }

    int bytes() {
        return ShipProtocol.stringBytes(lunId) + 4 + 8 + 4 + 4;
    }

    void put(ByteBuffer out) {
        ShipProtocol.putString(out, lunId);
        out.putInt(index).putLong(blockCount).putInt(blockSize).putInt(replicationBlockBytes);
    }

    static DrCopy get(ByteBuffer in) {
        String lun = ShipProtocol.getString(in);
        return new DrCopy(lun, in.getInt(), in.getLong(), in.getInt(), in.getInt());
    }
}
