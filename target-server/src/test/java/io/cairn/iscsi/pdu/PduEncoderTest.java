package io.cairn.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jscsi.parser.OperationCode;
import org.jscsi.parser.ProtocolDataUnit;
import org.jscsi.parser.ProtocolDataUnitFactory;
import org.jscsi.parser.data.DataInParser;
import org.jscsi.parser.r2t.Ready2TransferParser;
import org.jscsi.parser.scsi.SCSIResponseParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our encoder checked against an independent decoder: jSCSI's PDU parser (org.jscsi:commons).
 * jSCSI 2.5.2 compares CRC32C digests in the opposite byte order to RFC 7143 B.4 and the Linux
 * initiator, so digests are checked here against the RFC's test vector ({@code PduDecoderTest})
 * and end to end against libiscsi, and the oracle runs without digests.
 */
class PduEncoderTest {

    private EmbeddedChannel channel;

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void noLeftovers() {
        assertFalse(channel.finishAndReleaseAll());
    }

    /** Encodes one PDU and parses the wire bytes with jSCSI. */
    private ProtocolDataUnit roundTrip(OutboundPdu pdu, boolean digests) throws Exception {
        channel = new EmbeddedChannel(new PduEncoder(new PduLimits(digests, digests, 8192)));
        assertTrue(channel.writeOutbound(pdu));
        ByteBuffer wire = ByteBuffer.allocate(1 << 20);
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            wire.put(b.nioBuffer());
            b.release();
        }
        wire.flip();
        String digest = digests ? "CRC32C" : "None";
        ProtocolDataUnit parsed = new ProtocolDataUnitFactory().create(digest, digest);
        parsed.deserialize(wire);
        assertFalse(wire.hasRemaining(), "the whole PDU is consumed, padding and digests included");
        return parsed;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void dataInWithStatusAndResidual(boolean digests) throws Exception {
        ByteBuf data = PooledByteBufAllocator.DEFAULT.directBuffer(1001).writeBytes(bytes(1001));
        DataIn pdu = new DataIn(0, 0x55, true, true, 0, false, true, 23, 4, 8192,
                new OutboundPdu.Sequence(100, 200, 300), data);
        ProtocolDataUnit parsed = roundTrip(pdu, digests);
        assertEquals(OperationCode.SCSI_DATA_IN, parsed.getBasicHeaderSegment().getOpCode());
        assertEquals(0x55, parsed.getBasicHeaderSegment().getInitiatorTaskTag());
        assertTrue(parsed.getBasicHeaderSegment().isFinalFlag());
        assertEquals(1001, parsed.getBasicHeaderSegment().getDataSegmentLength());
        DataInParser p = assertInstanceOf(DataInParser.class, parsed.getBasicHeaderSegment().getParser());
        assertTrue(p.isStatusFlag());
        assertTrue(p.isResidualUnderflow());
        assertFalse(p.isResidualOverflow());
        assertEquals(23, p.getResidualCount());
        assertEquals(4, p.getDataSequenceNumber());
        assertEquals(8192, p.getBufferOffset());
        assertEquals(100, p.getStatusSequenceNumber());
        assertEquals(200, p.getExpectedCommandSequenceNumber());
        assertEquals(300, p.getMaximumCommandSequenceNumber());
        ByteBuffer seg = parsed.getDataSegment();
        byte[] got = new byte[1001];
        seg.rewind();
        seg.get(got);
        assertArrayEquals(bytes(1001), got);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void scsiResponseWithSense(boolean digests) throws Exception {
        byte[] sense = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0, 0, 0, 0, 0};
        ByteBuf seg = PooledByteBufAllocator.DEFAULT.heapBuffer().writeShort(sense.length).writeBytes(sense);
        ScsiResponsePdu pdu = new ScsiResponsePdu(9, ScsiResponsePdu.COMMAND_COMPLETED, 0x02, true, false, 512, 3,
                new OutboundPdu.Sequence(1, 2, 3), seg);
        ProtocolDataUnit parsed = roundTrip(pdu, digests);
        assertEquals(OperationCode.SCSI_RESPONSE, parsed.getBasicHeaderSegment().getOpCode());
        SCSIResponseParser p = assertInstanceOf(SCSIResponseParser.class, parsed.getBasicHeaderSegment().getParser());
        assertEquals(0x02, p.getStatus().value());
        assertTrue(p.isResidualOverflow());
        assertEquals(512, p.getResidualCount());
        assertEquals(3, p.getExpectedDataSequenceNumber());
        assertEquals(20, parsed.getBasicHeaderSegment().getDataSegmentLength());
        ByteBuffer d = parsed.getDataSegment();
        d.rewind();
        assertEquals(sense.length, d.getShort());
        byte[] got = new byte[sense.length];
        d.get(got);
        assertArrayEquals(sense, got);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void readyToTransfer(boolean digests) throws Exception {
        R2t pdu = new R2t(0, 0x77, 0x1234, 2, 65536, 262144, new OutboundPdu.Sequence(5, 6, 7));
        ProtocolDataUnit parsed = roundTrip(pdu, digests);
        Ready2TransferParser p = assertInstanceOf(Ready2TransferParser.class, parsed.getBasicHeaderSegment().getParser());
        assertEquals(0x77, parsed.getBasicHeaderSegment().getInitiatorTaskTag());
        assertEquals(0x1234, p.getTargetTransferTag());
        assertEquals(2, p.getReady2TransferSequenceNumber());
        assertEquals(65536, p.getBufferOffset());
        assertEquals(262144, p.getDesiredDataTransferLength());
        assertEquals(0, parsed.getBasicHeaderSegment().getDataSegmentLength());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void rejectCarriesTheRejectedHeader(boolean digests) throws Exception {
        byte[] header = bytes(48);
        ProtocolDataUnit parsed = roundTrip(new Reject(Reject.PROTOCOL_ERROR, header, new OutboundPdu.Sequence(1, 2, 3)), digests);
        assertEquals(OperationCode.REJECT, parsed.getBasicHeaderSegment().getOpCode());
        assertEquals(48, parsed.getBasicHeaderSegment().getDataSegmentLength());
        ByteBuffer d = parsed.getDataSegment();
        d.rewind();
        byte[] got = new byte[48];
        d.get(got);
        assertArrayEquals(header, got);
        assertEquals(-1, parsed.getBasicHeaderSegment().getInitiatorTaskTag());
        assertTrue(Arrays.equals(header, got));
    }
}
