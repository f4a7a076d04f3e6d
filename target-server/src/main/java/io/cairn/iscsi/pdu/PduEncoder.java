package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes {@link OutboundPdu}s: header (+ header digest) in one small buffer, then the data segment
 * itself (not copied), then padding and data digest (RFC 7143 11.2). Takes ownership of each PDU's
 * data and passes it on to the channel.
 */
public final class PduEncoder extends MessageToMessageEncoder<OutboundPdu> {

    private volatile PduLimits limits;

    public PduEncoder(PduLimits limits) {
        this.limits = limits;
    }

    /** Applies digests to PDUs encoded from now on. */
    public void limits(PduLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OutboundPdu pdu, List<Object> out) {
        PduLimits l = limits;
        ByteBuf data = pdu.data();
        int length = data.readableBytes();
        int pad = (-length) & 3;
        boolean dataDigest = l.dataDigest() && length > 0;
        ByteBuf header = ctx.alloc().directBuffer(48 + (l.headerDigest() ? 4 : 0));
        try {
            pdu.writeBhs(header);
            if (l.headerDigest()) {
                header.writeInt(Crc32c.wire(Crc32c.of(header, header.readerIndex(), 48)));
            }
        } catch (RuntimeException e) {
            header.release();
            data.release();
            throw e;
        }
        out.add(header);
        if (length == 0) {
            data.release();
            return;
        }
        out.add(data);
        if (pad > 0 || dataDigest) {
            ByteBuf trailer = ctx.alloc().directBuffer(pad + (dataDigest ? 4 : 0));
            trailer.writeZero(pad);
            if (dataDigest) {
                CRC32C crc = new CRC32C();
                Crc32c.update(crc, data, data.readerIndex(), length);
                if (pad > 0) {
                    crc.update(new byte[pad]);
                }
                trailer.writeInt(Crc32c.wire((int) crc.getValue()));
            }
            out.add(trailer);
        }
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof OutboundPdu;
    }
}
