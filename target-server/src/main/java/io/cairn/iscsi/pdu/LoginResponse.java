package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Login Response (RFC 7143 11.13). */
public final class LoginResponse extends OutboundPdu {
    private final boolean transit;
    private final boolean continueBit;
    private final int csg;
    private final int nsg;
    private final byte[] isid;
    private final int tsih;
    private final int itt;
    private final int statusClass;
    private final int statusDetail;
    private final Sequence seq;

    /** Takes ownership of {@code keys}. */
    public LoginResponse(boolean transit, boolean continueBit, int csg, int nsg, byte[] isid, int tsih,
                         int itt, int statusClass, int statusDetail, Sequence seq, ByteBuf keys) {
        super(keys);
        this.transit = transit;
        this.continueBit = continueBit;
        this.csg = csg;
        this.nsg = nsg;
        this.isid = isid;
        this.tsih = tsih;
        this.itt = itt;
        this.statusClass = statusClass;
        this.statusDetail = statusDetail;
        this.seq = seq;
    }

    @Override
    protected void fill(ByteBuf out, int start) {
        out.setByte(start, Opcode.LOGIN_RESPONSE);
        out.setByte(start + 1, (transit ? 0x80 : 0) | (continueBit ? 0x40 : 0) | (csg << 2) | nsg);
        out.setByte(start + 2, 0x00); // Version-max
        out.setByte(start + 3, 0x00); // Version-active
        out.setBytes(start + 8, isid, 0, 6);
        out.setShort(start + 14, tsih);
        out.setInt(start + 16, itt);
        sequence(out, start, seq.statSn(), seq.expCmdSn(), seq.maxCmdSn());
        out.setByte(start + 36, statusClass);
        out.setByte(start + 37, statusDetail);
    }
}
