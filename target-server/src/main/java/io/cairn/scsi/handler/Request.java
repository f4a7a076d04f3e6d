package io.cairn.scsi.handler;

import io.cairn.block.BlockDevice;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.ScsiCommand;
import io.cairn.scsi.cdb.Cdb;
import io.netty.buffer.ByteBuf;

/**
 * One command as a handler sees it.
 *
 * @param unit       the logical unit, or null for an unknown LUN (INQUIRY, REPORT LUNS, REQUEST SENSE only)
 * @param context    the LUN's SCSI context as of dispatch ({@link ScsiContext#EMPTY} without a unit)
 * @param data       Data-Out of a medium write, exactly {@code cdb.dataBytes()} long, or null; the handler owns it
 * @param parameters Data-Out of a parameter-list command, copied out (already released), or null
 * @param writeThrough the LUN has no write cache enabled (SBC-4 6.5.5 WCE=0, or a durable LUN):
 *                   every medium write is to be durable before it completes, as with FUA
 */
public record Request(
        ScsiCommand command, Cdb cdb, LogicalUnit unit, ScsiContext context, ByteBuf data, byte[] parameters,
        CoreServices core, boolean writeThrough) {

    public ItNexus nexus() {
        return command.nexus();
    }

    public BlockDevice device() {
        return unit.device();
    }

    /** Whether a medium write of this command must be durable before it completes: its FUA bit, or write-through. */
    public boolean durable(boolean fuaBit) {
        return fuaBit || writeThrough;
    }
}
