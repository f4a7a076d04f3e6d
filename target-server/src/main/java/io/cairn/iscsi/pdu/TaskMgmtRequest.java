package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Task Management Function Request (RFC 7143 11.5). */
public final class TaskMgmtRequest extends InboundPdu {
    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    TaskMgmtRequest(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public int function() {
        return bhs[1] & 0x7f;
    }

    public long lun() {
        return int64(8);
    }

    public int referencedTaskTag() {
        return int32(20);
    }

    public int cmdSn() {
        return int32(24);
    }

    public int expStatSn() {
        return int32(28);
    }

    public int refCmdSn() {
        return int32(32);
    }

    public int expDataSn() {
        return int32(36);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onTaskMgmtRequest(this);
    }
}
