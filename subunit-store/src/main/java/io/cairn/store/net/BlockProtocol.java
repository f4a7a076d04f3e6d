package io.cairn.store.net;

import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The block protocol's frame layout and limits (architecture.md "Block protocol": framed, versioned,
 * pipelined by request id). Every frame, request or response, is:
 *
 * <pre>
 *  0  magic          int    'CBLK'
 *  4  version        byte   {@link #VERSION}; a peer speaking another one gets an error frame and is closed
 *  5  type           byte   {@link MessageType#code()}
 *  6  flags          short  {@link #FLAG_FUA}, {@link #FLAG_UNMAP}, {@link #FLAG_DEALLOCATED}
 *  8  request id     long   chosen by the requester, echoed by the response; 0 = the connection itself
 * 16  field length   int    the small typed header part (sub-unit, epoch, lba, counts ...)
 * 20  data length    int    the data part (block data, version arrays, extents)
 * 24  fields, then data
 * </pre>
 *
 * Big-endian throughout. Lengths are checked against the limits before anything is buffered.
 */
public final class BlockProtocol {
    public static final int MAGIC = 0x43424C4B;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 24;
    /** The field part is a few dozen bytes; anything near this is garbage. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;
    /** Default bound on the data part: a whole sub-unit piece of a large SCSI write, or a version snapshot. */
    public static final int DEFAULT_MAX_DATA_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_PORT = 3261;

    public static final int FLAG_FUA = 1;
    public static final int FLAG_UNMAP = 2;
    /** replicate: the blocks are deallocated and the frame carries no data. */
    public static final int FLAG_DEALLOCATED = 4;

    private static final int MAX_STRING_BYTES = 4096;

    private BlockProtocol() {}

    static void writeSubUnit(ByteBuf out, SubUnitId id) {
        writeString(out, id.lunId());
        out.writeInt(id.index());
    }

    static SubUnitId readSubUnit(ByteBuf in) {
        String lun = readString(in);
        int index = in.readInt();
        check(index >= 0, "negative sub-unit index");
        return new SubUnitId(lun, index);
    }

    /** Writes a short-length-prefixed UTF-8 string, cut to {@value #MAX_STRING_BYTES} bytes (messages only). */
    static void writeString(ByteBuf out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MAX_STRING_BYTES);
        out.writeShort(length);
        out.writeBytes(bytes, 0, length);
    }

    static String readString(ByteBuf in) {
        int length = in.readUnsignedShort();
        check(length <= in.readableBytes(), "string longer than its field part");
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new MalformedFrameException(0, what);
        }
    }

    static int flag(boolean set, int flag) {
        return set ? flag : 0;
    }
}
