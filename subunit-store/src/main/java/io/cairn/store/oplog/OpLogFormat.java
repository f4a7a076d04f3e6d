package io.cairn.store.oplog;

import io.cairn.replica.BlockVersion;
import io.cairn.store.oplog.LogRecord.Data;
import io.cairn.store.oplog.LogRecord.Effect;
import io.cairn.store.oplog.LogRecord.Versions;
import io.cairn.store.oplog.LogRecord.Zeros;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The operation log's on-disk format, version 1: the one place that reads and writes its bytes.
 *
 * <p>Files: directory {@code <dataDir>/oplog}, one file per segment, named by the position of its
 * first record as 16 lower-case hex digits, {@code 00000000000a0000.log}. The positions of the
 * segments' records follow on from one segment to the next without gaps; the live log is every
 * segment file, oldest (smallest name) first.
 *
 * <p>A segment (all numbers big-endian):
 * <pre>
 *   0  magic "CAIRNOL1" (8 bytes: the file kind; the next field is its format)
 *   8  format version (int, 1)
 *  12  reserved (int, 0)
 *  16  position of the first record (long; equals the file name)
 *  24  reserved (long, 0)
 *  32  records, back to back, until the end of the file
 * </pre>
 * A record at position {@code p} (its first byte is byte {@code 32 + p - start} of the segment):
 * <pre>
 *   0  body length n (int, 1..MAX_BODY_BYTES)
 *   4  CRC32C (int) over bytes 8.. of the header (p) and the n body bytes
 *   8  position p (long): a record left over from the file's earlier use states another position
 *  16  body: kind (byte, 1 = change of one sub-unit), name length k (short), k bytes of the
 *      sub-unit's name in UTF-8 ({@code <lunId>/<index>}), effect count (short), the effects:
 *        1 data      byte offset in the block file (long), length m (int), m bytes
 *        2 zeros     byte offset (long), length (long)
 *        3 versions  first entry (int), last entry (int), epoch (long), id (long), mapped (byte 0/1)
 *        4 forced    position (long): the sub-unit's files were forced holding every change whose
 *                    record ends at or before it (and its changes made without a record); replay
 *                    skips the sub-unit's records that end at or before it
 * </pre>
 *
 * Segment files are written in place: a new one is filled with zeros first, and a trimmed one is
 * renamed and used again (its file system blocks stay allocated, so an {@code fdatasync} writes
 * data, not metadata). A segment's records therefore end where the next header is zeros or states
 * another position than the one that follows ({@link #END}); either is the clean end.
 *
 * <p>What is durable when: a record is durable once an {@code fdatasync} of its segment that began
 * after it was written has returned; a segment is forced completely before the first byte of the
 * next one is written, so only the newest segment can end in a torn record. A header that states
 * the expected position but whose record is short or does not check is a torn record: in the
 * newest segment it and everything after it are cut, never applied; in an older segment it, or an
 * older segment ending before the next begins, is corruption of durable data, and the log refuses
 * to open.
 */
public final class OpLogFormat {
    public static final byte[] MAGIC = {'C', 'A', 'I', 'R', 'N', 'O', 'L', '1'};
    public static final int FORMAT_VERSION = 1;
    public static final int SEGMENT_HEADER_BYTES = 32;
    public static final int RECORD_HEADER_BYTES = 16;
    /** The largest body: 64 MiB of data and its effects' headers. */
    public static final int MAX_BODY_BYTES = (64 << 20) + (1 << 16);
    static final String SUFFIX = ".log";
    private static final byte KIND_CHANGE = 1;
    private static final byte DATA = 1;
    private static final byte ZEROS = 2;
    private static final byte VERSIONS = 3;
    private static final byte FORCED = 4;

    private OpLogFormat() {
    }

    /** The file name of the segment whose first record is at {@code start}. */
    public static String segmentName(long start) {
        return String.format("%016x%s", start, SUFFIX);
    }

    /** The start position a segment file name gives, or -1 if the name is not a segment's. */
    public static long segmentStart(String name) {
        if (name.length() != 16 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(name.substring(0, 16), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static ByteBuffer segmentHeader(long start) {
        return ByteBuffer.allocate(SEGMENT_HEADER_BYTES).put(MAGIC).putInt(FORMAT_VERSION).putInt(0)
                .putLong(start).putLong(0).flip();
    }

    /** Checks a segment header read from the file named for {@code start}; null if good, else why not. */
    public static String checkSegmentHeader(ByteBuffer header, long start) {
        if (header.remaining() < SEGMENT_HEADER_BYTES) {
            return "short segment header";
        }
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return "not an operation log segment";
        }
        int format = header.getInt();
        if (format != FORMAT_VERSION) {
            return "unsupported operation log format " + format;
        }
        header.getInt();
        long stated = header.getLong();
        return stated == start ? null : "segment header says position " + stated + ", its name " + start;
    }

    /** The bytes {@link #encode} writes for {@code record}. */
    public static int encodedBytes(LogRecord record) {
        long n = RECORD_HEADER_BYTES + 5L + utf8(record).length;
        for (Effect e : record.effects()) {
            if (e instanceof Data d) {
                n += 13 + d.data().readableBytes();
            } else if (e instanceof Zeros) {
                n += 17;
            } else if (e instanceof LogRecord.Forced) {
                n += 9;
            } else {
                n += 26;
            }
        }
        if (n - RECORD_HEADER_BYTES > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("record of " + n + " bytes is larger than the log takes");
        }
        return (int) n;
    }

    /** Writes {@code record}, as the record at position {@code lsn}, into {@code out}. */
    public static void encode(long lsn, LogRecord record, ByteBuf out) {
        byte[] name = utf8(record);
        if (name.length > Short.MAX_VALUE || record.effects().size() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("record too large to log: " + record.subUnit());
        }
        int start = out.writerIndex();
        out.writeInt(0).writeInt(0).writeLong(lsn); // length and checksum filled in below
        out.writeByte(KIND_CHANGE).writeShort(name.length).writeBytes(name).writeShort(record.effects().size());
        for (Effect e : record.effects()) {
            if (e instanceof Data d) {
                ByteBuf data = d.data();
                out.writeByte(DATA).writeLong(d.offset()).writeInt(data.readableBytes());
                out.writeBytes(data, data.readerIndex(), data.readableBytes());
            } else if (e instanceof Zeros z) {
                out.writeByte(ZEROS).writeLong(z.offset()).writeLong(z.length());
            } else if (e instanceof LogRecord.Forced f) {
                out.writeByte(FORCED).writeLong(f.position());
            } else if (e instanceof Versions v) {
                out.writeByte(VERSIONS).writeInt(v.first()).writeInt(v.last())
                        .writeLong(v.version().epoch()).writeLong(v.version().id()).writeByte(v.mapped() ? 1 : 0);
            }
        }
        int body = out.writerIndex() - start - RECORD_HEADER_BYTES;
        out.setInt(start, body).setInt(start + 4, checksum(lsn, out.nioBuffer(start + RECORD_HEADER_BYTES, body)));
    }

    /** What a record header at the expected position says. */
    public enum Header {
        /** a record of this position follows: read its body */
        RECORD,
        /** zeros, or a record of another position: the log's clean end */
        END,
        /** this position, but a length no record has: torn */
        TORN
    }

    /** Reads the header of the record expected at {@code lsn}. */
    public static Header header(ByteBuffer recordHeader, long lsn) {
        int n = recordHeader.getInt(recordHeader.position());
        long stated = recordHeader.getLong(recordHeader.position() + 8);
        if (stated != lsn || (n == 0 && stated == 0)) {
            return Header.END;
        }
        return n <= 0 || n > MAX_BODY_BYTES ? Header.TORN : Header.RECORD;
    }

    private static byte[] utf8(LogRecord record) {
        return record.subUnit().getBytes(StandardCharsets.UTF_8);
    }

    private static int checksum(long lsn, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, lsn));
        crc.update(body);
        return (int) crc.getValue();
    }

    /** The body length of a {@link Header#RECORD} header. */
    public static int bodyLength(ByteBuffer recordHeader) {
        return recordHeader.getInt(recordHeader.position());
    }

    /**
     * Decodes the record at {@code lsn} from its header and body; null if the checksum does not
     * check or the body does not parse (the caller cuts the log there). Data effects wrap
     * {@code body}.
     */
    public static LogRecord decode(long lsn, ByteBuffer recordHeader, ByteBuffer body) {
        if (checksum(lsn, body.duplicate()) != recordHeader.getInt(recordHeader.position() + 4)) {
            return null;
        }
        try {
            ByteBuffer b = body.duplicate();
            if (b.get() != KIND_CHANGE) {
                return null;
            }
            byte[] name = new byte[b.getShort()];
            b.get(name);
            int count = b.getShort();
            List<Effect> effects = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte tag = b.get();
                switch (tag) {
                    case DATA -> {
                        long offset = b.getLong();
                        int len = b.getInt();
                        ByteBuf data = Unpooled.wrappedBuffer(b.slice(b.position(), len));
                        b.position(b.position() + len);
                        effects.add(new Data(offset, data));
                    }
                    case ZEROS -> effects.add(new Zeros(b.getLong(), b.getLong()));
                    case VERSIONS -> effects.add(new Versions(b.getInt(), b.getInt(),
                            new BlockVersion(b.getLong(), b.getLong()), b.get() != 0));
                    case FORCED -> effects.add(new LogRecord.Forced(b.getLong()));
                    default -> {
                        return null;
                    }
                }
            }
            return b.hasRemaining() ? null : new LogRecord(new String(name, StandardCharsets.UTF_8), effects);
        } catch (RuntimeException e) { // a length that runs past the body
            return null;
        }
    }
}
