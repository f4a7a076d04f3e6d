package io.cairn.store.net;

import static io.cairn.store.net.BlockProtocol.HEADER_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link Frame}s (layout in {@link BlockProtocol}): header, fields and any structured data
 * in one small buffer, then the message's block payload as a second buffer, never copied.
 * Ownership: the frame's payload passes to Netty; on an encoding failure it is released.
 */
@Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    private final int maxDataBytes;

    public FrameEncoder(int maxDataBytes) {
        super(Frame.class);
        this.maxDataBytes = maxDataBytes;
    }

    public FrameEncoder() {
        this(BlockProtocol.DEFAULT_MAX_DATA_BYTES);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        Message message = frame.message();
        ByteBuf payload = message.payload();
        ByteBuf head = ctx.alloc().buffer(HEADER_BYTES + 64);
        try {
            head.writerIndex(HEADER_BYTES);
            message.writeFields(head);
            int fieldBytes = head.writerIndex() - HEADER_BYTES;
            message.writeData(head);
            long dataBytes = (long) head.writerIndex() - HEADER_BYTES - fieldBytes
                    + (payload == null ? 0 : payload.readableBytes());
            // The peer would refuse it and close the connection under every other request: refuse here.
            if (fieldBytes > BlockProtocol.MAX_FIELD_BYTES || dataBytes > maxDataBytes) {
                throw new EncoderException(message.type() + " frame too large: " + dataBytes + " data bytes");
            }
            head.setInt(0, BlockProtocol.MAGIC)
                    .setByte(4, BlockProtocol.VERSION)
                    .setByte(5, message.type().code())
                    .setShort(6, message.flags())
                    .setLong(8, frame.requestId())
                    .setInt(16, fieldBytes)
                    .setInt(20, (int) dataBytes);
        } catch (RuntimeException e) {
            head.release();
            throw e;
        }
        out.add(head);
        if (payload != null && payload.isReadable()) {
            out.add(payload.retain()); // balanced by the encoder releasing the frame
        }
    }
}
