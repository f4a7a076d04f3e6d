package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Reject (RFC 7143 11.17): the data segment is the rejected PDU's header. */
public final class Reject extends OutboundPdu {
    /** Reasons (11.17.1). */
    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int SNACK_REJECT = 0x03;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int IMMEDIATE_COMMAND_REJECT = 0x06;
    public static final int TASK_IN_PROGRESS = 0x07;
    public static final int INVALID_DATA_ACK = 0x08;
    public static final int INVALID_PDU_FIELD = 0x09;
    public static final int OUT_OF_RESOURCES = 0x0a;
    public static final int WAITING_FOR_LOGOUT = 0x0c;

    private final int reason;
    private final Sequence seq;

    /** {@code rejectedHeader} is copied. */
    public Reject(int reason, byte[] rejectedHeader, Sequence seq) {
        super(Unpooled.wrappedBuffer(rejectedHeader.clone()));
        this.reason = reason;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.REJECT);
        out.setByte(start + 1, 0x80);
        out.setByte(start + 2, reason);
        out.setInt(start + 16, Opcode.RESERVED_TAG);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
    }
}
