package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A PDU the target sends. Subclasses fill the 48-byte basic header segment; the encoder adds
 * digests and padding. Ownership: the PDU owns {@link #data()} until the encoder writes it; the
 * encoder (or whoever drops the PDU unsent) releases it.
 */
public abstract class OutboundPdu {

    private final ByteBuf data;

    protected OutboundPdu(ByteBuf data) {
        this.data = data == null ? Unpooled.EMPTY_BUFFER : data;
    }

    /** Writes exactly 48 header bytes to {@code out}; DataSegmentLength comes from {@link #data()}. */
    public final void writeBhs(ByteBuf out) {
        int start = out.writerIndex();
        out.writeZero(48);
        fill(out, start);
        int len = data.readableBytes();
        out.setByte(start + 5, len >>> 16);
        out.setShort(start + 6, len & 0xffff);
    }

    /** Sets this kind's header fields, at absolute offsets from {@code start}, into zeroed bytes. */
    protected abstract void fill(ByteBuf out, int start);

    public final ByteBuf data() {
        return data;
    }

    /** Writes the common trailer of target status PDUs: StatSN, ExpCmdSN, MaxCmdSN at 24, 28, 32. */
    protected static void sequence(ByteBuf out, int start, int statSn, int expCmdSn, int maxCmdSn) {
        out.setInt(start + 24, statSn);
        out.setInt(start + 28, expCmdSn);
        out.setInt(start + 32, maxCmdSn);
    }

    /** The numbers every target PDU carries: StatSN, ExpCmdSN and MaxCmdSN at the time it is sent. */
    public record Sequence(int statSn, int expCmdSn, int maxCmdSn) {}
}
