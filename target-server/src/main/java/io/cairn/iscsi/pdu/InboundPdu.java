package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * A PDU received from an initiator: its 48-byte basic header segment, parsed lazily by typed
 * accessors in each subclass, and its data segment (without padding and digest).
 *
 * <p>Ownership: the PDU owns {@link #data()}; whoever consumes the PDU last calls {@link #release()}
 * (or takes the data with {@code data().retain()} first). Subclasses never copy the data.
 */
public abstract class InboundPdu extends AbstractReferenceCounted implements ReceivedPdu {

    /** The basic header segment (RFC 7143 11.2.1), exactly 48 bytes. */
    protected final byte[] bhs;
    private final ByteBuf data;

    protected InboundPdu(byte[] bhs, ByteBuf data) {
        this.bhs = bhs;
        this.data = data;
    }

    /** Builds the typed PDU for a header. Takes ownership of {@code data}. */
    public static InboundPdu of(byte[] bhs, ByteBuf data) {
        return switch (bhs[0] & 0x3f) {
            case Opcode.NOP_OUT -> new NopOut(bhs, data);
            case Opcode.SCSI_COMMAND -> new ScsiCommandPdu(bhs, data);
            case Opcode.TASK_MGMT_REQUEST -> new TaskMgmtRequest(bhs, data);
            case Opcode.LOGIN_REQUEST -> new LoginRequest(bhs, data);
            case Opcode.TEXT_REQUEST -> new TextRequest(bhs, data);
            case Opcode.DATA_OUT -> new DataOut(bhs, data);
            case Opcode.LOGOUT_REQUEST -> new LogoutRequest(bhs, data);
            default -> new UnsupportedPdu(bhs, data);
        };
    }

    /** Calls the visitor method for this PDU's kind. */
    @Override
    public abstract void accept(InboundPduVisitor visitor);

    public final int opcode() {
        return bhs[0] & 0x3f;
    }

    /** The I bit: an immediate command, not subject to CmdSN ordering (RFC 7143 4.2.2.1). */
    public final boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    /** The F bit (final). */
    public final boolean finalBit() {
        return (bhs[1] & 0x80) != 0;
    }

    public final int initiatorTaskTag() {
        return int32(16);
    }

    /** The header bytes, for a Reject that must echo them (RFC 7143 11.17). Not a copy: do not modify. */
    public final byte[] header() {
        return bhs;
    }

    /** The data segment; owned by this PDU. */
    public final ByteBuf data() {
        return data;
    }

    public final int dataLength() {
        return data.readableBytes();
    }

    protected final int int32(int offset) {
        return ((bhs[offset] & 0xff) << 24) | ((bhs[offset + 1] & 0xff) << 16)
                | ((bhs[offset + 2] & 0xff) << 8) | (bhs[offset + 3] & 0xff);
    }

    protected final long int64(int offset) {
        return ((long) int32(offset) << 32) | (int32(offset + 4) & 0xffffffffL);
    }

    protected final int int16(int offset) {
        return ((bhs[offset] & 0xff) << 8) | (bhs[offset + 1] & 0xff);
    }

    @Override
    public InboundPdu retain() {
        super.retain();
        return this;
    }

    @Override
    protected void deallocate() {
        data.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        data.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[itt=0x" + Integer.toHexString(initiatorTaskTag())
                + ", data=" + data.readableBytes() + "]";
    }
}
