package io.cairn.store.net;

import static io.cairn.store.net.BlockProtocol.HEADER_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads {@link Frame}s (layout in {@link BlockProtocol}) as an explicit state machine: HEADER until
 * the fixed header is in, validated at once (magic, version, type, both lengths against the
 * limits) so nothing oversized is ever buffered; BODY until fields and data are in; DISCARD after
 * a protocol violation, when the byte stream cannot be trusted any more. A violation is raised as
 * a {@link MalformedFrameException} through {@code exceptionCaught}: the handler behind decides
 * whether to answer with an error frame, and closes.
 *
 * <p>The data part is a retained slice of the received bytes, handed to the message without a copy;
 * a composite cumulation keeps the socket reads as they arrived instead of merging them.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private enum State { HEADER, BODY, DISCARD }

    private final int maxDataBytes;
    private State state = State.HEADER;
    private MessageType type;
    private int flags;
    private long requestId;
    private int fieldBytes;
    private int dataBytes;

    public FrameDecoder(int maxDataBytes) {
        this.maxDataBytes = maxDataBytes;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    public FrameDecoder() {
        this(BlockProtocol.DEFAULT_MAX_DATA_BYTES);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEADER -> {
                // Straight on to the body: an empty body has no byte of its own to wake the decoder.
                if (readHeader(ctx, in)) {
                    readBody(ctx, in, out);
                }
            }
            case BODY -> readBody(ctx, in, out);
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    /** Reads and checks the header once it is all in; true when the body is due next. */
    private boolean readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < HEADER_BYTES) {
            return false;
        }
        int magic = in.readInt();
        int version = in.readUnsignedByte();
        int code = in.readUnsignedByte();
        flags = in.readUnsignedShort();
        requestId = in.readLong();
        fieldBytes = in.readInt();
        dataBytes = in.readInt();
        if (magic != BlockProtocol.MAGIC) {
            violation(ctx, in, 0, "not a block protocol frame (magic " + Integer.toHexString(magic) + ")");
        } else if (version != BlockProtocol.VERSION) {
            // Only magic and version are common to every version; the rest of the header is not ours to trust.
            violation(ctx, in, 0, "protocol version " + version + " not supported, this node speaks "
                    + BlockProtocol.VERSION);
        } else if ((type = MessageType.ofCode(code)) == null) {
            violation(ctx, in, requestId, "unknown message type " + code);
        } else if (fieldBytes < 0 || fieldBytes > BlockProtocol.MAX_FIELD_BYTES) {
            violation(ctx, in, requestId, "field part of " + fieldBytes + " bytes");
        } else if (dataBytes < 0 || dataBytes > maxDataBytes) {
            violation(ctx, in, requestId, "data part of " + dataBytes + " bytes exceeds " + maxDataBytes);
        } else {
            state = State.BODY;
            return true;
        }
        return false;
    }

    private void readBody(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < fieldBytes + dataBytes) {
            return;
        }
        ByteBuf fields = in.readSlice(fieldBytes);
        ByteBuf data = in.readRetainedSlice(dataBytes);
        Message message;
        try {
            message = type.reader().read(flags, fields, data);
        } catch (MalformedFrameException | IndexOutOfBoundsException | IllegalArgumentException e) {
            violation(ctx, in, requestId, type + " frame: " + e.getMessage());
            return;
        } finally {
            data.release(); // a message that keeps block data has retained it
        }
        Frame frame = new Frame(requestId, message);
        if (fields.isReadable()) {
            frame.release();
            violation(ctx, in, requestId, type + " frame: unread bytes in the field part");
            return;
        }
        state = State.HEADER;
        out.add(frame);
    }

    private void violation(ChannelHandlerContext ctx, ByteBuf in, long id, String reason) {
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(new MalformedFrameException(id, reason));
    }
}
