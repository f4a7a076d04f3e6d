package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into {@link InboundPdu}s (RFC 7143 11.2): header, additional header
 * segments, header digest, data segment with padding, data digest.
 *
 * <p>An explicit state machine: in {@code HEADER} it waits for the whole header (48 bytes, AHS,
 * digest) and checks it, including the data length against the negotiated limit, before it waits
 * for any data; in {@code DATA} it takes the data as a retained slice (no copy). A header it cannot
 * trust ends decoding ({@code BROKEN}): a {@link MalformedPdu} is emitted and later bytes ignored.
 *
 * <p>Emits {@link ReceivedPdu}s: an {@link InboundPdu} (ownership passes downstream) or a {@link MalformedPdu}.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    private enum State { HEADER, DATA, BROKEN }

    static final int BHS_LENGTH = 48;

    private PduLimits limits;
    private State state = State.HEADER;
    private byte[] bhs;
    private int dataLength;

    public PduDecoder(PduLimits limits) {
        this.limits = limits;
        // Data segments leave as retained slices of the cumulation, so the default merging
        // cumulator would copy the unread rest into a new buffer on every read while a slice is
        // held (every large Data-Out). A composite adds each read as a component, copying nothing.
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /** Applies new limits to the next PDU (after login completes, or a renegotiation). Event loop only. */
    public void limits(PduLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!decodeHeader(in, out)) {
                        return;
                    }
                }
                case DATA -> {
                    if (!decodeData(in, out)) {
                        return;
                    }
                }
                case BROKEN -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private boolean decodeHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < BHS_LENGTH) {
            return false;
        }
        int start = in.readerIndex();
        int ahsLength = in.getUnsignedByte(start + 4) * 4;
        int digestLength = limits.headerDigest() ? 4 : 0;
        int headerLength = BHS_LENGTH + ahsLength + digestLength;
        if (in.readableBytes() < headerLength) {
            return false;
        }
        byte[] header = new byte[BHS_LENGTH];
        in.getBytes(start, header);
        if (limits.headerDigest()) {
            int expected = Crc32c.wire(Crc32c.of(in, start, BHS_LENGTH + ahsLength));
            int actual = in.getInt(start + BHS_LENGTH + ahsLength);
            if (expected != actual) {
                // RFC 7143 7.8: a header digest error leaves the PDU boundaries unknown; at
                // ErrorRecoveryLevel 0 the connection must be dropped.
                return broken(out, MalformedPdu.NO_REJECT, header, "header digest error");
            }
        }
        int length = in.getUnsignedMedium(start + 5);
        if (length > limits.maxRecvDataSegmentLength()) {
            // RFC 7143 13.12: the initiator must not send more than our MaxRecvDataSegmentLength.
            return broken(out, Reject.PROTOCOL_ERROR, header,
                    "data segment " + length + " exceeds MaxRecvDataSegmentLength " + limits.maxRecvDataSegmentLength());
        }
        if (ahsLength > 0) {
            // Extended CDBs and bidirectional AHS are not supported; the PDU is well framed, so
            // it can be rejected and the stream continues (RFC 7143 11.17.1).
            out.add(new MalformedPdu(Reject.COMMAND_NOT_SUPPORTED, header, false, "additional header segments"));
        }
        in.skipBytes(headerLength);
        bhs = header;
        dataLength = length;
        state = State.DATA;
        return true;
    }

    private boolean decodeData(ByteBuf in, List<Object> out) {
        int padded = (dataLength + 3) & ~3;
        int digestLength = limits.dataDigest() && dataLength > 0 ? 4 : 0;
        if (in.readableBytes() < padded + digestLength) {
            return false;
        }
        byte[] header = bhs;
        bhs = null;
        state = State.HEADER;
        boolean ahsRejected = (header[4] & 0xff) != 0;
        if (digestLength > 0) {
            int start = in.readerIndex();
            int expected = Crc32c.wire(Crc32c.of(in, start, padded));
            int actual = in.getInt(start + padded);
            if (expected != actual) {
                in.skipBytes(padded + digestLength);
                // RFC 7143 7.8: the framing is intact, so the PDU is rejected (Reject reason 0x02).
                out.add(new MalformedPdu(Reject.DATA_DIGEST_ERROR, header, false, "data digest error"));
                return true;
            }
        }
        if (ahsRejected) {
            in.skipBytes(padded + digestLength);
            return true;
        }
        ByteBuf data = in.readRetainedSlice(dataLength);
        in.skipBytes(padded - dataLength + digestLength);
        out.add(InboundPdu.of(header, data));
        return true;
    }

    private boolean broken(List<Object> out, int reason, byte[] header, String detail) {
        state = State.BROKEN;
        out.add(new MalformedPdu(reason, header, true, detail));
        return true;
    }
}
