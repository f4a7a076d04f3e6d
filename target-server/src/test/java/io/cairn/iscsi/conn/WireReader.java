package io.cairn.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;

/** Reads the target's PDUs back from an EmbeddedChannel's outbound bytes (no digests). */
final class WireReader {

    /** One PDU as sent: header and data. */
    record Sent(byte[] bhs, byte[] data) {
        int opcode() {
            return bhs[0] & 0x3f;
        }

        int int32(int offset) {
            return ((bhs[offset] & 0xff) << 24) | ((bhs[offset + 1] & 0xff) << 16)
                    | ((bhs[offset + 2] & 0xff) << 8) | (bhs[offset + 3] & 0xff);
        }

        int flags() {
            return bhs[1] & 0xff;
        }

        int itt() {
            return int32(16);
        }

        int statSn() {
            return int32(24);
        }

        int expCmdSn() {
            return int32(28);
        }

        int maxCmdSn() {
            return int32(32);
        }
    }

    private final EmbeddedChannel channel;
    private final ByteBuf pending = Unpooled.buffer();
    private final ArrayDeque<Sent> parsed = new ArrayDeque<>();

    WireReader(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** The next PDU the target sent, or null if none (so far). */
    Sent next() {
        drain();
        return parsed.poll();
    }

    int available() {
        drain();
        return parsed.size();
    }

    private void drain() {
        channel.runPendingTasks();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            pending.writeBytes(b);
            b.release();
        }
        while (pending.readableBytes() >= 48) {
            int len = pending.getUnsignedMedium(pending.readerIndex() + 5);
            int padded = (len + 3) & ~3;
            if (pending.readableBytes() < 48 + padded) {
                break;
            }
            byte[] bhs = new byte[48];
            pending.readBytes(bhs);
            byte[] data = new byte[len];
            pending.readBytes(data);
            pending.skipBytes(padded - len);
            parsed.add(new Sent(bhs, data));
        }
        pending.discardReadBytes();
    }
}
