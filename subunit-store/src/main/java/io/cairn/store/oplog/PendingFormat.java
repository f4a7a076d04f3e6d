package io.cairn.store.oplog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a change cursor's file, and its version. One class owns it; a test pins
 * each version's bytes ({@code PendingFormatTest}).
 *
 * <p>Naming: {@code <dataDir>/changes/<cursor>.pending}; written whole as
 * {@code <cursor>.pending.tmp}, forced, then renamed over the old one (the rename durable with its
 * directory), so a crash leaves the old file or the new one, never a mix; a leftover {@code .tmp}
 * is deleted at open.
 *
 * <p>Format 1, big-endian:
 * <pre>
 *   0   8  magic "CAIRNCP1"
 *   8   4  format version (1)
 *  12   4  sub-unit count N
 *  16   8  the newest stamp given out (stamps go on above it after a restart)
 *  24      N times: u16 name length L, L bytes of UTF-8 name ({@code <lunId>/<index>}),
 *          u32 extent count M, M times (u32 extent index, u64 stamp of its newest change)
 *  end  4  CRC32C of every byte before it
 * </pre>
 * What is durable when: the file as of its last rename; {@link ChangeCursors} rewrites it at
 * every checkpoint of the log before the log is trimmed.
 */
final class PendingFormat {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "CAIRNCP1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 24;

    /** What a file holds. */
    record Contents(ChangedExtents extents, long lastStamp) {
    }

    private PendingFormat() {
    }

    static byte[] encode(ChangedExtents extents, long lastStamp) {
        Map<String, Map<Integer, Long>> view = extents.view();
        int bytes = HEADER_BYTES + 4;
        for (Map.Entry<String, Map<Integer, Long>> e : view.entrySet()) {
            bytes += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 12 * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(bytes);
        b.put(MAGIC).putInt(VERSION).putInt(view.size()).putLong(lastStamp);
        for (Map.Entry<String, Map<Integer, Long>> e : view.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(e.getValue().size());
            for (Map.Entry<Integer, Long> x : e.getValue().entrySet()) {
                b.putInt(x.getKey()).putLong(x.getValue());
            }
        }
        b.putInt((int) crc(b.array(), b.position()));
        return b.array();
    }

    /** Decodes a whole file; a file that is not one, of another version, torn or corrupt is refused, saying which. */
    static Contents decode(byte[] bytes, String what) throws IOException {
        if (bytes.length < HEADER_BYTES + 4) {
            throw new IOException(what + ": " + bytes.length + " bytes, too short for a change cursor file");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(what + ": not a change cursor file (bad magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException(what + ": change cursor format " + version + ", this build reads " + VERSION);
        }
        long stored = Integer.toUnsignedLong(ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt());
        if (stored != crc(bytes, bytes.length - 4)) {
            throw new IOException(what + ": checksum mismatch (torn or corrupt)");
        }
        try {
            int subUnits = b.getInt();
            long lastStamp = b.getLong();
            ChangedExtents extents = new ChangedExtents();
            for (int i = 0; i < subUnits; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                String subUnit = new String(name, StandardCharsets.UTF_8);
                int count = b.getInt();
                for (int j = 0; j < count; j++) {
                    int extent = b.getInt();
                    long stamp = b.getLong();
                    if (extent < 0 || stamp <= 0 || stamp > lastStamp) {
                        throw new IOException(what + ": extent " + extent + " of " + subUnit + " has stamp " + stamp);
                    }
                    extents.put(subUnit, extent, stamp);
                }
            }
            if (b.position() != bytes.length - 4) {
                throw new IOException(what + ": " + (bytes.length - 4 - b.position()) + " bytes after the last entry");
            }
            return new Contents(extents, lastStamp);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(what + ": entries run past the end of the file", e);
        }
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return c.getValue();
    }
}
