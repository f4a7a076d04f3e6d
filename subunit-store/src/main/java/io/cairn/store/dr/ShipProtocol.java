package io.cairn.store.dr;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The shipping channel between sites (architecture.md "Sites and DR shipping"): a primary store
 * sends changed replication blocks with their versions to the DR copy of each sub-unit in another
 * site. It has its own frames, not the block protocol's, because it crosses links the local site
 * does not trust: every frame carries a CRC32C of its header and body, and a frame that fails it is
 * never applied. Every frame is:
 *
 * <pre>
 *  0  magic       int    'CSHP'
 *  4  version     byte   {@link #VERSION}
 *  5  type        byte   one of the TYPE constants
 *  6  flags       short  {@link #FLAG_DEALLOCATED}
 *  8  request id  long   chosen by the sender, echoed by the reply
 * 16  body length int    at most {@link #MAX_BODY_BYTES}
 * 20  crc32c      int    of bytes 0..19 and the body
 * 24  body
 * </pre>
 *
 * Big-endian. Bodies (sub-unit = lun id as a short-prefixed UTF-8 string, then its index):
 * <ul>
 *   <li>{@link #VERSIONS}: sub-unit, block count (long), block size, replication block bytes,
 *       first, count: the receiver's versions of those replication blocks; it creates its copy
 *       with that geometry if it has none, and refuses another geometry.
 *   <li>{@link #APPLY}: sub-unit, block count, block size, replication block bytes, first, count,
 *       version epoch, version id, then the blocks' bytes (none with DEALLOCATED): applied to each
 *       block whose held version is older, so a stream reordered, repeated, cut and resumed converges.
 *   <li>{@link #FORCE}: sub-unit, block count, block size, replication block bytes: everything
 *       applied to the copy before is durable when the reply comes.
 *   <li>{@link #VERSION_LIST} (reply): count, then per block epoch (long), id (long), mapped (byte).
 *   <li>{@link #DONE} (reply): blocks applied (APPLY; 0 otherwise), blocks not newer than the copy's.
 *   <li>{@link #ERROR} (reply): a message; the request did nothing or is safe to repeat.
 * </ul>
 * A receiver that reads a frame it cannot trust (magic, version, length, checksum) closes the
 * connection without answering: the sender reconnects and resumes from what was acknowledged.
 */
public final class ShipProtocol {
    public static final int MAGIC = 0x43534850;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 24;
    /** One APPLY carries at most 1 MiB of blocks; the rest of a body is a few dozen bytes. */
    public static final int MAX_BODY_BYTES = (1 << 20) + 4096;
    /** Most block bytes one APPLY carries. */
    public static final int MAX_APPLY_BYTES = 1 << 20;

    public static final int VERSIONS = 1;
    public static final int APPLY = 2;
    public static final int FORCE = 3;
    public static final int VERSION_LIST = 65;
    public static final int DONE = 66;
    public static final int ERROR = 127;

    public static final int FLAG_DEALLOCATED = 1;

    private ShipProtocol() {}

    /** One frame as it travels. */
    public record Frame(int type, int flags, long requestId, byte[] body) {}

    /** A frame that must not be trusted; the connection it came on is closed. */
    public static final class CorruptFrameException extends IOException {
        public CorruptFrameException(String message) {
            super(message);
        }
    }

    /** Writes the frame: its header with the checksum, then the body as it is (no copy of the blocks). */
    public static void write(OutputStream out, Frame f) throws IOException {
        if (f.body().length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("frame body of " + f.body().length + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.putInt(MAGIC).put((byte) VERSION).put((byte) f.type()).putShort((short) f.flags())
                .putLong(f.requestId()).putInt(f.body().length);
        header.putInt(crc(header.array(), f.body()));
        out.write(header.array());
        out.write(f.body());
    }

    /**
     * Reads one frame; {@link EOFException} at a clean end of stream before a frame starts,
     * {@link CorruptFrameException} for one that fails its checks (nothing of it is returned).
     */
    public static Frame read(DataInputStream in) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        int version = h.get() & 0xff;
        int type = h.get() & 0xff;
        int flags = h.getShort() & 0xffff;
        long requestId = h.getLong();
        int length = h.getInt();
        int crc = h.getInt();
        if (magic != MAGIC) {
            throw new CorruptFrameException("not a shipping frame (magic " + Integer.toHexString(magic) + ")");
        }
        if (version != VERSION) {
            throw new CorruptFrameException("shipping protocol version " + version + ", this store speaks " + VERSION);
        }
        if (length < 0 || length > MAX_BODY_BYTES) {
            throw new CorruptFrameException("frame body of " + length + " bytes");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (crc(header, body) != crc) {
            throw new CorruptFrameException("frame " + requestId + " fails its checksum");
        }
        return new Frame(type, flags, requestId, body);
    }

    private static int crc(byte[] header, byte[] body) {
        CRC32C c = new CRC32C();
        c.update(header, 0, 20);
        c.update(body, 0, body.length);
        return (int) c.getValue();
    }

    static void putString(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) b.length).put(b);
    }

    static String getString(ByteBuffer in) {
        int n = in.getShort() & 0xffff;
        if (n > in.remaining()) {
            throw new IllegalArgumentException("string longer than the frame");
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static int stringBytes(String s) {
        return 2 + s.getBytes(StandardCharsets.UTF_8).length;
    }
}
