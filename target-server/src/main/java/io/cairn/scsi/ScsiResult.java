package io.cairn.scsi;

import io.netty.buffer.ByteBuf;

/**
 * What the SCSI core answers for one command.
 *
 * @param status        SAM status code (GOOD 0x00, CHECK CONDITION 0x02, CONDITION MET 0x04, BUSY 0x08,
 *                      RESERVATION CONFLICT 0x18, TASK SET FULL 0x28, ACA ACTIVE 0x30, TASK ABORTED 0x40)
 * @param sense         sense data bytes for CHECK CONDITION, else null
 * @param dataIn        Data-In for the initiator, or null; the transport takes ownership and sends at most
 *                      the expected data transfer length of it
 * @param commandBytes  the number of bytes the CDB itself calls for in its data direction (transfer
 *                      length times block size, or the allocation / parameter list length); the
 *                      transport derives residual counts from it (RFC 7143 11.4.5)
 */
public record ScsiResult(int status, byte[] sense, ByteBuf dataIn, long commandBytes) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int TASK_ABORTED = 0x40;
}
