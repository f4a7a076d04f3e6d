package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** SCSI Command (RFC 7143 11.3). The data segment is immediate data. */
public final class ScsiCommandPdu extends InboundPdu {
    ScsiCommandPdu(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    /** R bit: the command reads (Data-In expected). */
    public boolean read() {
        return (bhs[1] & 0x40) != 0;
    }

    /** W bit: the command writes (Data-Out expected). */
    public boolean write() {
        return (bhs[1] & 0x20) != 0;
    }

    /** Task attribute (ATTR, RFC 7143 11.3.1.3). */
    public int taskAttribute() {
        return bhs[1] & 0x07;
    }

    /** Total AHS length in 4-byte words; non-zero means extended CDB or bidirectional AHS. */
    public int totalAhsLength() {
        return bhs[4] & 0xff;
    }

    public long lun() {
        return int64(8);
    }

    public int expectedDataTransferLength() {
        return int32(20);
    }

    public int cmdSn() {
        return int32(24);
    }

    public int expStatSn() {
        return int32(28);
    }

    /** The 16-byte CDB field, a copy (RFC 7143 11.3.5). */
    public byte[] cdb() {
        return Arrays.copyOfRange(bhs, 32, 48);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onScsiCommand(this);
    }
}
