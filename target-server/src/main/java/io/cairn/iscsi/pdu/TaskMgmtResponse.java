package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Task Management Function Response (RFC 7143 11.6). */
public final class TaskMgmtResponse extends OutboundPdu {
    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int TASK_REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    private final int itt;
    private final int response;
    private final Sequence seq;

    public TaskMgmtResponse(int itt, int response, Sequence seq) {
        super(null);
        this.itt = itt;
        this.response = response;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.TASK_MGMT_RESPONSE);
        out.setByte(start + 1, 0x80);
        out.setByte(start + 2, response);
        out.setInt(start + 16, itt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
    }
}
