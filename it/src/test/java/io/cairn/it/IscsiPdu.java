package io.cairn.it;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One iSCSI PDU as bytes: the 48-byte Basic Header Segment and the data segment (no padding, no digests;
 * the connection adds those). RFC 7143 11.2. Mutable on purpose: the robustness tests build malformed PDUs.
 */
record IscsiPdu(byte[] bhs, byte[] data) {

    static final int BHS_LENGTH = 48;

    // Initiator opcodes, RFC 7143 11.2.1.2
    static final int NOP_OUT = 0x00;
    static final int SCSI_COMMAND = 0x01;
    static final int LOGIN_REQUEST = 0x03;
    static final int DATA_OUT = 0x05;
    static final int LOGOUT_REQUEST = 0x06;
    // Target opcodes
    static final int NOP_IN = 0x20;
    static final int SCSI_RESPONSE = 0x21;
    static final int LOGIN_RESPONSE = 0x23;
    static final int DATA_IN = 0x25;
    static final int LOGOUT_RESPONSE = 0x26;
    static final int R2T = 0x31;
    static final int ASYNC_MESSAGE = 0x32;
    static final int REJECT = 0x3f;

    static final int NO_TAG = 0xffffffff;

    /** A zeroed header with the opcode byte (immediate bit 0x40 when {@code immediate}) and the flags byte. */
    static IscsiPdu of(int opcode, boolean immediate, int flags) {
        byte[] bhs = new byte[BHS_LENGTH];
        bhs[0] = (byte) ((immediate ? 0x40 : 0) | (opcode & 0x3f));
        bhs[1] = (byte) flags;
        return new IscsiPdu(bhs, new byte[0]);
    }

    IscsiPdu withData(byte[] newData) {
        IscsiPdu pdu = new IscsiPdu(bhs, newData);
        pdu.setDataSegmentLength(newData.length);
        return pdu;
    }

    int opcode() {
        return bhs[0] & 0x3f;
    }

    int flags() {
        return bhs[1] & 0xff;
    }

    int byte2() {
        return bhs[2] & 0xff;
    }

    int byte3() {
        return bhs[3] & 0xff;
    }

    int totalAhsLength() {
        return (bhs[4] & 0xff) * 4;
    }

    int dataSegmentLength() {
        return ((bhs[5] & 0xff) << 16) | ((bhs[6] & 0xff) << 8) | (bhs[7] & 0xff);
    }

    void setDataSegmentLength(int length) {
        bhs[5] = (byte) (length >>> 16);
        bhs[6] = (byte) (length >>> 8);
        bhs[7] = (byte) length;
    }

    /** A single-level LUN in peripheral device addressing (SAM-5 4.7), as bytes 8-15. */
    void setLun(int lun) {
        bhs[8] = (byte) (lun >>> 8 & 0x3f);
        bhs[9] = (byte) lun;
    }

    int intAt(int offset) {
        return ByteBuffer.wrap(bhs).getInt(offset);
    }

    void putInt(int offset, int value) {
        ByteBuffer.wrap(bhs).putInt(offset, value);
    }

    int itt() {
        return intAt(16);
    }

    /** StatSN, RFC 7143 11.4.5 and alike: bytes 24-27 of every target PDU that carries it. */
    int statSn() {
        return intAt(24);
    }

    int expCmdSn() {
        return intAt(28);
    }

    int maxCmdSn() {
        return intAt(32);
    }

    /** The data segment padded to a 4-byte boundary, RFC 7143 11.2.3. */
    byte[] paddedData() {
        return Arrays.copyOf(data, (data.length + 3) & ~3);
    }

    @Override
    public String toString() {
        return String.format("PDU[opcode 0x%02x flags 0x%02x b2 0x%02x b3 0x%02x itt 0x%08x dlen %d]",
                opcode(), flags(), byte2(), byte3(), itt(), data.length);
    }
}
