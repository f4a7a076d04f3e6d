package io.cairn.store.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.VersionSnapshot;
import io.cairn.replica.Verification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ResourceLeakDetector;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message type through the real encoder and decoder, bytes fed one at a time. */
class FrameCodecTest {
    private static final SubUnitId SUB = new SubUnitId("lun-ä1", 3);

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    static ByteBuf bytes(int length, int seed) {
        ByteBuf b = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            b.writeByte(seed + i * 7);
        }
        return b;
    }

    /** Versions with every field distinctive: a big replication block, epochs 0..2, a negative id, one block unmapped. */
    static VersionSnapshot snapshot() {
        return new VersionSnapshot(65536, new long[] {1, 2, 0}, new long[] {5L << 48 | 1, -1, 0},
                new boolean[] {true, true, false});
    }

    /** One sample per message type; each call builds fresh buffers. */
    static List<Supplier<Message>> samples() {
        return List.of(
                () -> new ReadRequest(SUB, 4, 1L << 40, 17),
                () -> new WriteRequest(SUB, 5, 9, bytes(1024, 1), true),
                () -> new WriteRequest(SUB, 5, 9, bytes(512, 2), false),
                () -> new WriteSameRequest(SUB, 6, 10, 1L << 33, bytes(512, 3), true, false),
                () -> new WriteSameRequest(SUB, 6, 10, 8, bytes(4096, 3), false, true),
                () -> new UnmapRequest(SUB, 7, 11, 12),
                () -> new FlushRequest(SUB, 8),
                () -> new CompareAndWriteRequest(SUB, 9, 13, 512, bytes(1024, 4), true),
                () -> new LbaStatusRequest(SUB, 10, 14, 100),
                () -> new ReplicateRequest(SUB, 11, 2, 3, bytes(3 * 64, 5), new BlockVersion(11, -5), true),
                () -> new ReplicateRequest(SUB, 11, 2, 3, null, new BlockVersion(11, 6), false),
                () -> new VersionsRequest(SUB, 12),
                () -> new VerifyRequest(SUB),
                () -> DoneResponse.INSTANCE,
                () -> new DataResponse(bytes(2048, 6)),
                () -> new DataResponse(Unpooled.EMPTY_BUFFER),
                () -> new MismatchResponse(-1),
                () -> new MismatchResponse(517),
                () -> new ExtentsResponse(List.of(new LbaExtent(0, 8, true), new LbaExtent(8, 1L << 35, false))),
                () -> new ExtentsResponse(List.of()),
                () -> new VersionsResponse(snapshot()),
                () -> new VerificationResponse(new Verification(3, snapshot(), new long[] {1, 2, 3})),
                () -> new ErrorResponse(Kind.STALE_EPOCH, "epoch 3 < 4"),
                () -> new ErrorResponse(Kind.MEDIUM_ERROR, ""));
    }

    @Test
    void samplesCoverEveryMessageType() {
        Set<MessageType> types = EnumSet.noneOf(MessageType.class);
        for (Supplier<Message> s : samples()) {
            Frame f = new Frame(1, s.get());
            types.add(f.message().type());
            f.release();
        }
        assertEquals(EnumSet.allOf(MessageType.class), types);
    }

    @Test
    void everyMessageRoundTripsByteByByte() {
        long requestId = Long.MIN_VALUE + 5;
        for (Supplier<Message> sample : samples()) {
            ByteBuf wire = encode(new Frame(requestId, sample.get()));
            EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
            while (wire.isReadable()) {
                decoder.writeInbound(wire.readRetainedSlice(1));
            }
            wire.release();
            Frame decoded = decoder.readInbound();
            Message expected = sample.get();
            assertTrue(decoded != null, () -> "no frame decoded for " + expected);
            try {
                assertEquals(requestId, decoded.requestId());
                assertSameMessage(expected, decoded.message());
            } finally {
                decoded.release();
                new Frame(0, expected).release();
            }
            assertNull(decoder.readInbound(), "one frame in, one frame out");
            assertFalse(decoder.finish(), "nothing left over");
            if (decoded.message().payload() != null) {
                assertEquals(0, decoded.message().payload().refCnt(), "received data released with the frame");
            }
            requestId += 1L << 50;
        }
    }

    @Test
    void frameEncoderHandsBlockDataOverWithoutCopying() {
        ByteBuf data = bytes(4096, 9);
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        encoder.writeOutbound(new Frame(1, new WriteRequest(SUB, 1, 0, data, false)));
        ByteBuf head = encoder.readOutbound();
        ByteBuf body = encoder.readOutbound();
        assertEquals(BlockProtocol.MAGIC, head.getInt(0), "header first");
        assertEquals(4096, head.getInt(20), "data length in the header");
        assertEquals(BlockProtocol.HEADER_BYTES + head.getInt(16), head.readableBytes(), "header and fields only");
        assertTrue(body == data, "the caller's buffer itself goes to the socket");
        assertEquals(1, data.refCnt(), "owned by the outbound path now, exactly once");
        head.release();
        body.release();
        assertFalse(encoder.finish());
    }

    @Test
    void backToBackFramesDecodeInOrderFromOneBuffer() {
        ByteBuf wire = Unpooled.wrappedBuffer(encode(new Frame(1, new FlushRequest(SUB, 1))),
                encode(new Frame(2, new WriteRequest(SUB, 1, 0, bytes(512, 1), false))),
                encode(new Frame(3, new VerifyRequest(SUB))));
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
        decoder.writeInbound(wire);
        for (int id = 1; id <= 3; id++) {
            Frame f = decoder.readInbound();
            assertEquals(id, f.requestId());
            f.release();
        }
        assertFalse(decoder.finish());
    }

    @Test
    void encoderRefusesDataBeyondTheLimitAndReleasesIt() {
        ByteBuf data = bytes(2048, 1);
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(1024));
        assertThrows(EncoderException.class,
                () -> encoder.writeOutbound(new Frame(1, new WriteRequest(SUB, 1, 0, data, false))));
        assertEquals(0, data.refCnt());
        assertFalse(encoder.finish());
    }

    static ByteBuf encode(Frame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        encoder.writeOutbound(frame);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf part;
        while ((part = encoder.readOutbound()) != null) {
            wire.writeBytes(part);
            part.release();
        }
        assertFalse(encoder.finish());
        return wire;
    }

    static void assertSameMessage(Message expected, Message actual) {
        assertEquals(expected.type(), actual.type());
        assertEquals(expected.flags(), actual.flags());
        switch (expected.type()) {
            case VERSION_SNAPSHOT -> assertSameSnapshot(((VersionsResponse) expected).snapshot(),
                    ((VersionsResponse) actual).snapshot());
            case VERIFICATION -> {
                Verification e = ((VerificationResponse) expected).verification();
                Verification a = ((VerificationResponse) actual).verification();
                assertEquals(e.node(), a.node());
                assertSameSnapshot(e.versions(), a.versions());
                assertArrayEquals(e.contentDigests(), a.contentDigests());
            }
            default -> assertEquals(expected, actual); // records; ByteBuf fields compare by content
        }
    }

    static void assertSameSnapshot(VersionSnapshot e, VersionSnapshot a) {
        assertEquals(e.replicationBlockBytes(), a.replicationBlockBytes());
        assertArrayEquals(e.epochs(), a.epochs());
        assertArrayEquals(e.ids(), a.ids());
        assertArrayEquals(e.mapped(), a.mapped());
    }
}
