package io.cairn.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** Login Request (RFC 7143 11.12). The data segment holds text keys. */
public final class LoginRequest extends InboundPdu {
    LoginRequest(byte[] bhs, ByteBuf data) {
        super(bhs, data);
    }

    public boolean transit() {
        return (bhs[1] & 0x80) != 0;
    }

    public boolean continueBit() {
        return (bhs[1] & 0x40) != 0;
    }

    public int csg() {
        return (bhs[1] >> 2) & 0x3;
    }

    public int nsg() {
        return bhs[1] & 0x3;
    }

    public int versionMax() {
        return bhs[2] & 0xff;
    }

    public int versionMin() {
        return bhs[3] & 0xff;
    }

    public byte[] isid() {
        return Arrays.copyOfRange(bhs, 8, 14);
    }

    public int tsih() {
        return int16(14);
    }

    public int cid() {
        return int16(20);
    }

    public int cmdSn() {
        return int32(24);
    }

    public int expStatSn() {
        return int32(28);
    }

    @Override
    public void accept(InboundPduVisitor visitor) {
        visitor.onLoginRequest(this);
    }
}
