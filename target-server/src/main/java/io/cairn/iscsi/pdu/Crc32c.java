package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** iSCSI digests: CRC32C (RFC 7143 13.1, Appendix B.4), computed without copying buffers. */
public final class Crc32c {
    private Crc32c() {}

    /** CRC32C of {@code length} bytes of {@code buf} from {@code index}; does not change indexes or ownership. */
    public static int of(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        update(crc, buf, index, length);
        return (int) crc.getValue();
    }

    /** Adds bytes to {@code crc}; does not change indexes or ownership. */
    public static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
            return;
        }
        for (ByteBuffer b : buf.nioBuffers(index, length)) {
            crc.update(b);
        }
    }

    /** The on-wire form: iSCSI sends the CRC32C value little-endian (RFC 7143 B.4). */
    public static int wire(int crc) {
        return Integer.reverseBytes(crc);
    }
}
