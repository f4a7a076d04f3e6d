package io.cairn.store.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.replica.ReplicaException.Kind;
import io.cairn.replica.SubUnitId;
import io.cairn.testkit.replica.MemoryReplicaService;
import io.cairn.testkit.replica.MemorySubUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server pipeline (decoder, encoder, request handler) in an EmbeddedChannel. */
class RequestHandlerTest {
    private static final SubUnitId SUB = new SubUnitId("lun", 0);
    private final MemoryReplicaService service = new MemoryReplicaService(1, new MemorySubUnits(64, 512));

    private EmbeddedChannel server(int maxInFlight) {
        return new EmbeddedChannel(new FrameDecoder(4096), new FrameEncoder(4096),
                new RequestHandler(service, maxInFlight));
    }

    private static ByteBuf header(int magic, int version, int type, long requestId, int fieldBytes, int dataBytes) {
        return Unpooled.buffer().writeInt(magic).writeByte(version).writeByte(type).writeShort(0)
                .writeLong(requestId).writeInt(fieldBytes).writeInt(dataBytes);
    }

    /** Decodes every frame the server wrote. */
    private static List<Frame> written(EmbeddedChannel ch) {
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
        ByteBuf part;
        while ((part = ch.readOutbound()) != null) {
            decoder.writeInbound(part);
        }
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = decoder.readInbound()) != null) {
            frames.add(f);
        }
        assertFalse(decoder.finish());
        return frames;
    }

    private static void assertRefusedAndClosed(EmbeddedChannel ch, long requestId, String reasonPart) {
        List<Frame> out = written(ch);
        assertEquals(1, out.size());
        ErrorResponse error = (ErrorResponse) out.get(0).message();
        assertEquals(requestId, out.get(0).requestId());
        assertEquals(Kind.INVALID, error.kind());
        assertTrue(error.message().contains(reasonPart), error.message());
        assertFalse(ch.isOpen(), "closed after a protocol violation");
        assertFalse(ch.finish());
    }

    @Test
    void wrongMagicIsRefusedAndClosed() {
        EmbeddedChannel ch = server(4);
        ch.writeInbound(header(0x47455420, 1, 5, 1, 0, 0));
        assertRefusedAndClosed(ch, 0, "magic");
    }

    @Test
    void otherProtocolVersionGetsAnErrorFrameNotACrash() {
        EmbeddedChannel ch = server(4);
        ch.writeInbound(header(BlockProtocol.MAGIC, 2, 5, 9, 10, 0).writeZero(10));
        assertRefusedAndClosed(ch, 0, "version 2");
    }

    @Test
    void oversizedFrameIsRefusedFromItsHeaderAlone() {
        EmbeddedChannel ch = server(4);
        // Only the header arrives: the limit must be checked before waiting for 4097 bytes.
        ch.writeInbound(header(BlockProtocol.MAGIC, 1, MessageType.WRITE.code(), 77, 20, 4097));
        assertRefusedAndClosed(ch, 77, "4097");
    }

    @Test
    void unknownTypeAndInconsistentFieldsAreRefused() {
        EmbeddedChannel ch = server(4);
        ch.writeInbound(header(BlockProtocol.MAGIC, 1, 99, 5, 0, 0));
        assertRefusedAndClosed(ch, 5, "type 99");

        EmbeddedChannel ch2 = server(4);
        ch2.writeInbound(header(BlockProtocol.MAGIC, 1, MessageType.FLUSH.code(), 6, 3, 0).writeZero(3));
        assertRefusedAndClosed(ch2, 6, "FLUSH");
    }

    @Test
    void responseSentToAServerIsRefused() {
        EmbeddedChannel ch = server(4);
        ch.writeInbound(FrameCodecTest.encode(new Frame(8, new DataResponse(FrameCodecTest.bytes(16, 1)))));
        assertRefusedAndClosed(ch, 8, "DATA");
    }

    @Test
    void stopsReadingAtTheInFlightBoundAndResumesBelowIt() {
        service.hold(true);
        EmbeddedChannel ch = server(2);
        ByteBuf three = Unpooled.wrappedBuffer(FrameCodecTest.encode(new Frame(1, new FlushRequest(SUB, 1))),
                FrameCodecTest.encode(new Frame(2, new FlushRequest(SUB, 1))),
                FrameCodecTest.encode(new Frame(3, new FlushRequest(SUB, 1))));
        ch.writeInbound(three);
        assertEquals(2, service.heldCount(), "only the bound runs");
        assertFalse(ch.config().isAutoRead());

        service.releaseHeldReversed(); // 2 then 1 answer; 3 starts
        assertEquals(1, service.heldCount());
        assertTrue(ch.config().isAutoRead(), "reading again below the bound");
        service.releaseHeldReversed();

        List<Frame> out = written(ch);
        assertEquals(List.of(2L, 1L, 3L), out.stream().map(Frame::requestId).toList(), "completion order");
        out.forEach(f -> assertEquals(MessageType.DONE, f.message().type()));
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void failedServiceCallsAnswerWithTheirKind() {
        service.setEpoch(SUB, 5);
        EmbeddedChannel ch = server(4);
        ch.writeInbound(FrameCodecTest.encode(new Frame(4, new WriteRequest(SUB, 4, 0, FrameCodecTest.bytes(512, 1),
                false))));
        List<Frame> out = written(ch);
        assertEquals(1, out.size());
        assertEquals(4, out.get(0).requestId());
        assertEquals(Kind.STALE_EPOCH, ((ErrorResponse) out.get(0).message()).kind());
        assertTrue(ch.isOpen(), "a refused request leaves the connection up");
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void heldRequestsAreReleasedWhenTheConnectionCloses() {
        service.hold(true);
        EmbeddedChannel ch = server(1);
        ByteBuf data = FrameCodecTest.bytes(512, 1);
        ByteBuf wire = Unpooled.wrappedBuffer(FrameCodecTest.encode(new Frame(1, new FlushRequest(SUB, 1))),
                FrameCodecTest.encode(new Frame(2, new WriteRequest(SUB, 1, 0, data, false))));
        ch.writeInbound(wire);
        assertEquals(1, service.heldCount());
        assertFalse(ch.finish(), "the queued write's data is released on close");
        service.releaseHeldReversed(); // answers to a closed channel go nowhere
        assertTrue(written(ch).isEmpty());
    }
}
