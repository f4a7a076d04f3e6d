package io.cairn.store.oplog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.replica.BlockVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of operation-log format 1: a store written by this version must replay in every
 * later one. A change that fails here is a new format version, with a reader for this one kept.
 */
class OpLogFormatTest {
    private static final LogRecord RECORD = new LogRecord("lun-a/3", List.of(
            new LogRecord.Data(4096, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})),
            new LogRecord.Zeros(8192, 512),
            new LogRecord.Versions(1, 2, new BlockVersion(5, 0x0007_0000_0000_0009L), true)));

    /** Format 1, record at position 0x1234 (written out by hand from the layout in OpLogFormat). */
    private static final String RECORD_HEX = ""
            + "00000048" + "%s" + "0000000000001234"          // length 72, CRC32C, position
            + "01" + "0007" + "6c756e2d612f33" + "0003"        // change, "lun-a/3", 3 effects
            + "01" + "0000000000001000" + "00000004" + "01020304"   // data at 4096, 4 bytes
            + "02" + "0000000000002000" + "0000000000000200"        // zeros at 8192, 512 bytes
            + "03" + "00000001" + "00000002" + "0000000000000005" + "0007000000000009" + "01"; // versions

    @Test
    void segmentNameAndHeaderAreFormatOne() {
        assertEquals("00000000000a0000.log", OpLogFormat.segmentName(0xa0000));
        assertEquals(0xa0000, OpLogFormat.segmentStart("00000000000a0000.log"));
        assertEquals(-1, OpLogFormat.segmentStart("spare-0.seg"));
        assertEquals(-1, OpLogFormat.segmentStart("0000000000zz0000.log"));
        assertEquals("434149524e4f4c31" + "00000001" + "00000000" + "00000000000a0000" + "0000000000000000",
                hex(OpLogFormat.segmentHeader(0xa0000)));
        assertNull(OpLogFormat.checkSegmentHeader(OpLogFormat.segmentHeader(0xa0000), 0xa0000));
        assertEquals("segment header says position 655360, its name 1",
                OpLogFormat.checkSegmentHeader(OpLogFormat.segmentHeader(0xa0000), 1));
        ByteBuffer two = OpLogFormat.segmentHeader(0).putInt(8, 2);
        assertEquals("unsupported operation log format 2", OpLogFormat.checkSegmentHeader(two, 0));
    }

    @Test
    void recordBytesArePinned() {
        ByteBuf out = Unpooled.buffer();
        OpLogFormat.encode(0x1234, RECORD, out);
        assertEquals(OpLogFormat.encodedBytes(RECORD), out.readableBytes());
        String got = ByteBufUtil.hexDump(out);
        String crc = got.substring(8, 16);
        assertEquals(String.format(RECORD_HEX, crc), got);
        // also computed by a bitwise CRC32C (Castagnoli, reflected 0x82F63B78) written apart from this code
        assertEquals("bbcf0bcd", crc, "CRC32C over the position and the body");
    }

    @Test
    void aForcedMarkIsPinned() {
        LogRecord mark = new LogRecord("lun-a/3", List.of(new LogRecord.Forced(0x10)));
        ByteBuf out = Unpooled.buffer();
        OpLogFormat.encode(0x20, mark, out);
        // length 21, CRC32C (by the bitwise implementation too), position 0x20; change, name, 1 effect: forced at 0x10
        assertEquals("000000151e619ac400000000000000200100076c756e2d612f330001040000000000000010", ByteBufUtil.hexDump(out));
        assertEquals(OpLogFormat.encodedBytes(mark), out.readableBytes());
        LogRecord back = OpLogFormat.decode(0x20, out.nioBuffer(0, 16), out.nioBuffer(16, out.readableBytes() - 16));
        assertEquals(mark, back);
    }

    @Test
    void pinnedBytesDecodeToTheRecord() {
        byte[] bytes = HexFormat.of().parseHex(String.format(RECORD_HEX, "bbcf0bcd"));
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, OpLogFormat.RECORD_HEADER_BYTES).slice();
        ByteBuffer body = ByteBuffer.wrap(bytes, 16, bytes.length - 16).slice();
        assertEquals(OpLogFormat.Header.RECORD, OpLogFormat.header(header, 0x1234));
        assertEquals(72, OpLogFormat.bodyLength(header));
        LogRecord decoded = OpLogFormat.decode(0x1234, header, body);
        assertEquals(RECORD.subUnit(), decoded.subUnit());
        assertEquals(RECORD.effects().get(1), decoded.effects().get(1));
        assertEquals(RECORD.effects().get(2), decoded.effects().get(2));
        LogRecord.Data data = (LogRecord.Data) decoded.effects().get(0);
        assertEquals(4096, data.offset());
        assertEquals("01020304", ByteBufUtil.hexDump(data.data()));
    }

    @Test
    void headersOfNoRecordEndTheLogAndABadRecordDoesNotCheck() {
        ByteBuffer zeros = ByteBuffer.allocate(OpLogFormat.RECORD_HEADER_BYTES);
        assertEquals(OpLogFormat.Header.END, OpLogFormat.header(zeros, 0), "zeros at the first position");
        assertEquals(OpLogFormat.Header.END, OpLogFormat.header(zeros, 4096), "zeros later on");
        byte[] bytes = HexFormat.of().parseHex(String.format(RECORD_HEX, "bbcf0bcd"));
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, 16).slice();
        assertEquals(OpLogFormat.Header.END, OpLogFormat.header(header, 0x1235), "a record of another position");
        ByteBuffer torn = ByteBuffer.allocate(16).putInt(0, -5).putLong(8, 0x1234);
        assertEquals(OpLogFormat.Header.TORN, OpLogFormat.header(torn, 0x1234));
        for (int i = 16; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assertNull(OpLogFormat.decode(0x1234, ByteBuffer.wrap(flipped, 0, 16).slice(),
                    ByteBuffer.wrap(flipped, 16, flipped.length - 16).slice()), "a flipped bit in byte " + i);
        }
        assertNull(OpLogFormat.decode(0x1233, header, ByteBuffer.wrap(bytes, 16, bytes.length - 16).slice()),
                "the checksum covers the position");
    }

    private static String hex(ByteBuffer b) {
        return ByteBufUtil.hexDump(Unpooled.wrappedBuffer(b.duplicate()));
    }
}
