package io.cairn.iscsi.login;

/**
 * The Login Request header fields the negotiator needs (RFC 7143 11.12). The initiator task
 * tag is the 32-bit field read as unsigned.
 */
public record LoginRequestFields(
        boolean transit,
        boolean cont,
        int csg,
        int nsg,
        int versionMax,
        int versionMin,
        byte[] isid,
        int tsih,
        int cid,
        long initiatorTaskTag) {

    public LoginRequestFields {
        if (isid == null || isid.length != 6) {
            throw new IllegalArgumentException("ISID must be 6 bytes");
        }
        isid = isid.clone();
    }

    @Override
    public byte[] isid() {
        return isid.clone();
    }

    /** The ISID as an unsigned 48-bit number. */
    public long isidValue() {
        long v = 0;
        for (byte b : isid) {
            v = (v << 8) | (b & 0xff);
        }
        return v;
    }
}
