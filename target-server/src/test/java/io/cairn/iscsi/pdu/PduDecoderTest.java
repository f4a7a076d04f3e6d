package io.cairn.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PduDecoderTest {

    private final List<Object> received = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void noLeftovers() {
        received.forEach(io.netty.util.ReferenceCountUtil::release);
        if (channel != null) {
            assertFalse(channel.finishAndReleaseAll(), "nothing may be left in the pipeline");
        }
    }

    private EmbeddedChannel channel(PduLimits limits) {
        channel = new EmbeddedChannel(new PduDecoder(limits));
        return channel;
    }

    /** Feeds {@code wire} one byte at a time (released) and collects what comes out. */
    private void feedByteByByte(ByteBuf wire) {
        try {
            while (wire.isReadable()) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {wire.readByte()}));
                Object o;
                while ((o = channel.readInbound()) != null) {
                    received.add(o);
                }
            }
        } finally {
            wire.release();
        }
    }

    private static PduBytes scsiWrite(int itt, byte[] immediate) {
        return PduBytes.of(Opcode.SCSI_COMMAND).set(1, 0x80 | 0x20 | 0x01).int32(16, itt)
                .int32(20, 4096).int32(24, 7).int32(28, 3).set(32, 0x2a).set(40, 8).data(immediate);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodesScsiCommandWithImmediateDataFedByteByByte(boolean digests) {
        channel(new PduLimits(digests, digests, 8192));
        byte[] payload = "hello, block world".getBytes(StandardCharsets.US_ASCII); // 18 bytes: 2 bytes padding
        feedByteByByte(scsiWrite(0x1234, payload).wire(digests, digests, false, false));
        assertEquals(1, received.size());
        ScsiCommandPdu cmd = assertInstanceOf(ScsiCommandPdu.class, received.get(0));
        assertEquals(0x1234, cmd.initiatorTaskTag());
        assertTrue(cmd.write());
        assertFalse(cmd.read());
        assertTrue(cmd.finalBit());
        assertEquals(1, cmd.taskAttribute());
        assertEquals(4096, cmd.expectedDataTransferLength());
        assertEquals(7, cmd.cmdSn());
        assertEquals(3, cmd.expStatSn());
        assertEquals(0x2a, cmd.cdb()[0] & 0xff);
        assertEquals(8, cmd.cdb()[8]);
        assertArrayEquals(payload, ByteBufUtil.getBytes(cmd.data()));
    }

    @Test
    void decodesSeveralPdusInOneBuffer() {
        channel(PduLimits.LOGIN);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf a = PduBytes.of(Opcode.NOP_OUT | 0x40).set(1, 0x80).int32(16, 1).int32(20, -1).data(new byte[5]).wire();
        ByteBuf b = PduBytes.of(Opcode.LOGOUT_REQUEST).set(1, 0x80).int32(16, 2).wire();
        wire.writeBytes(a).writeBytes(b);
        a.release();
        b.release();
        channel.writeInbound(wire);
        NopOut nop = assertInstanceOf(NopOut.class, channel.readInbound());
        assertTrue(nop.immediate());
        assertEquals(5, nop.dataLength());
        LogoutRequest logout = assertInstanceOf(LogoutRequest.class, channel.readInbound());
        assertEquals(2, logout.initiatorTaskTag());
        assertEquals(LogoutRequest.CLOSE_SESSION, logout.reasonCode());
        received.add(nop);
        received.add(logout);
    }

    @Test
    void dataSegmentBeyondTheNegotiatedLimitStopsDecodingBeforeAnyDataIsBuffered() {
        channel(new PduLimits(false, false, 8192));
        ByteBuf wire = scsiWrite(1, new byte[8193]).wire();
        // Only the header: the decoder must decide without waiting for 8 KiB of data.
        channel.writeInbound(wire.readRetainedSlice(48));
        MalformedPdu bad = assertInstanceOf(MalformedPdu.class, channel.readInbound());
        assertTrue(bad.fatal());
        assertEquals(Reject.PROTOCOL_ERROR, bad.reason());
        assertEquals(Opcode.SCSI_COMMAND, bad.header()[0] & 0x3f);
        // Everything after is ignored.
        channel.writeInbound(wire);
        assertNull(channel.readInbound());
    }

    @Test
    void badHeaderDigestIsFatal() {
        channel(new PduLimits(true, false, 8192));
        feedByteByByte(scsiWrite(1, new byte[0]).wire(true, false, true, false));
        assertEquals(1, received.size());
        MalformedPdu bad = assertInstanceOf(MalformedPdu.class, received.get(0));
        assertTrue(bad.fatal());
        assertEquals(MalformedPdu.NO_REJECT, bad.reason(), "an untrusted header gets no Reject");
    }

    @Test
    void badDataDigestRejectsOnePduAndTheNextStillDecodes() {
        channel(new PduLimits(true, true, 8192));
        ByteBuf wire = Unpooled.buffer();
        ByteBuf bad = scsiWrite(1, new byte[] {1, 2, 3}).wire(true, true, false, true);
        ByteBuf good = scsiWrite(2, new byte[] {4, 5, 6, 7}).wire(true, true, false, false);
        wire.writeBytes(bad).writeBytes(good);
        bad.release();
        good.release();
        feedByteByByte(wire);
        assertEquals(2, received.size());
        MalformedPdu rejected = assertInstanceOf(MalformedPdu.class, received.get(0));
        assertFalse(rejected.fatal());
        assertEquals(Reject.DATA_DIGEST_ERROR, rejected.reason());
        ScsiCommandPdu next = assertInstanceOf(ScsiCommandPdu.class, received.get(1));
        assertEquals(2, next.initiatorTaskTag());
        assertArrayEquals(new byte[] {4, 5, 6, 7}, ByteBufUtil.getBytes(next.data()));
    }

    @Test
    void additionalHeaderSegmentsAreRejectedWithoutLosingFraming() {
        channel(PduLimits.LOGIN);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf withAhs = scsiWrite(1, new byte[3]).ahs(new byte[8]).wire();
        ByteBuf next = PduBytes.of(Opcode.NOP_OUT | 0x40).set(1, 0x80).int32(16, 9).wire();
        wire.writeBytes(withAhs).writeBytes(next);
        withAhs.release();
        next.release();
        feedByteByByte(wire);
        assertEquals(2, received.size());
        MalformedPdu rejected = assertInstanceOf(MalformedPdu.class, received.get(0));
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, rejected.reason());
        assertFalse(rejected.fatal());
        assertEquals(9, assertInstanceOf(NopOut.class, received.get(1)).initiatorTaskTag());
    }

    @Test
    void unknownOpcodeBecomesUnsupportedPdu() {
        channel(PduLimits.LOGIN);
        feedByteByByte(PduBytes.of(0x1e).set(1, 0x80).int32(16, 5).wire());
        UnsupportedPdu pdu = assertInstanceOf(UnsupportedPdu.class, received.get(0));
        assertEquals(0x1e, pdu.opcode());
        assertEquals(5, pdu.initiatorTaskTag());
    }

    @Test
    void dataOutFieldsAndLoginFields() {
        channel(PduLimits.LOGIN);
        feedByteByByte(PduBytes.of(Opcode.DATA_OUT).set(1, 0x80).int32(16, 3).int32(20, 77).int32(36, 2)
                .int32(40, 65536).data(new byte[512]).wire());
        DataOut d = assertInstanceOf(DataOut.class, received.get(0));
        assertEquals(77, d.targetTransferTag());
        assertEquals(2, d.dataSn());
        assertEquals(65536, d.bufferOffset());
        assertEquals(512, d.dataLength());
        byte[] isid = {0x40, 0, 0, 0x23, 0x3d, 0};
        PduBytes login = PduBytes.of(Opcode.LOGIN_REQUEST | 0x40).set(1, 0x80 | 0x04 | 0x03).int32(24, 11);
        for (int i = 0; i < 6; i++) {
            login.set(8 + i, isid[i]);
        }
        feedByteByByte(login.data("InitiatorName=iqn.x\0".getBytes(StandardCharsets.US_ASCII)).wire());
        LoginRequest l = assertInstanceOf(LoginRequest.class, received.get(1));
        assertTrue(l.transit());
        assertEquals(1, l.csg());
        assertEquals(3, l.nsg());
        assertArrayEquals(isid, l.isid());
        assertEquals(11, l.cmdSn());
    }

    @Test
    void crc32cMatchesRfcVector() {
        // RFC 7143 B.4: 32 bytes of zeros -> aa 36 91 8a on the wire.
        ByteBuf zeros = Unpooled.wrappedBuffer(new byte[32]);
        assertEquals(0xaa36918a, Crc32c.wire(Crc32c.of(zeros, 0, 32)));
        ByteBuf ones = Unpooled.wrappedBuffer(filled(32, 0xff));
        assertEquals(0x43aba862, Crc32c.wire(Crc32c.of(ones, 0, 32)));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
