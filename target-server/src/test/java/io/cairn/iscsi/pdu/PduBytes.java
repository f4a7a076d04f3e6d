package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.CRC32C;

/** Builds initiator PDUs byte by byte, as a test initiator would put them on the wire. */
public final class PduBytes {
    private final byte[] bhs = new byte[48];
    private byte[] ahs = new byte[0];
    private byte[] data = new byte[0];

    public static PduBytes of(int opcode) {
        PduBytes p = new PduBytes();
        p.bhs[0] = (byte) opcode;
        return p;
    }

    public PduBytes set(int offset, int value) {
        bhs[offset] = (byte) value;
        return this;
    }

    public PduBytes int32(int offset, int value) {
        bhs[offset] = (byte) (value >>> 24);
        bhs[offset + 1] = (byte) (value >>> 16);
        bhs[offset + 2] = (byte) (value >>> 8);
        bhs[offset + 3] = (byte) value;
        return this;
    }

    public PduBytes data(byte[] d) {
        data = d;
        return this;
    }

    public PduBytes ahs(byte[] a) {
        ahs = a;
        return this;
    }

    /** The wire bytes, with digests if asked; {@code corruptHeaderDigest}/{@code corruptDataDigest} flip a bit. */
    public ByteBuf wire(boolean headerDigest, boolean dataDigest, boolean corruptHeaderDigest, boolean corruptDataDigest) {
        bhs[4] = (byte) (ahs.length / 4);
        bhs[5] = (byte) (data.length >>> 16);
        bhs[6] = (byte) (data.length >>> 8);
        bhs[7] = (byte) data.length;
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(bhs).writeBytes(ahs);
        if (headerDigest) {
            CRC32C c = new CRC32C();
            c.update(bhs);
            c.update(ahs);
            out.writeIntLE((int) c.getValue() ^ (corruptHeaderDigest ? 1 : 0));
        }
        int pad = (-data.length) & 3;
        out.writeBytes(data).writeZero(pad);
        if (dataDigest && data.length > 0) {
            CRC32C c = new CRC32C();
            c.update(data);
            c.update(new byte[pad]);
            out.writeIntLE((int) c.getValue() ^ (corruptDataDigest ? 1 : 0));
        }
        return out;
    }

    public ByteBuf wire() {
        return wire(false, false, false, false);
    }

    /** The PDU as the decoder would emit it, its data in a buffer of its own (the caller owns the PDU). */
    public InboundPdu pdu() {
        bhs[4] = 0;
        bhs[5] = (byte) (data.length >>> 16);
        bhs[6] = (byte) (data.length >>> 8);
        bhs[7] = (byte) data.length;
        return InboundPdu.of(bhs.clone(), Unpooled.buffer(data.length).writeBytes(data));
    }
}
