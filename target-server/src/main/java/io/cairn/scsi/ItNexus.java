package io.cairn.scsi;

/**
 * An I_T nexus as SCSI sees it (SAM-5 4.7): an initiator port and a target port, named as the
 * transport names them. For iSCSI, {@code <initiator iqn>,i,0x<isid>} and
 * {@code <target iqn>,t,0x<tpgt>} (RFC 7143 13.3).
 *
 * @param relativeTargetPortId the target port's relative port identifier (VPD 0x83, REPORT TARGET PORT GROUPS)
 * @param targetPortGroup      the target port group of that port (ALUA)
 */
public record ItNexus(String initiatorPort, String targetPort, int relativeTargetPortId, int targetPortGroup) {

    /** The initiator's SCSI name without the ISID part. */
    public String initiatorName() {
        int i = initiatorPort.indexOf(",i,");
        return i < 0 ? initiatorPort : initiatorPort.substring(0, i);
    }

    /** Key used for per-nexus state in the LUN's SCSI context. */
    public String key() {
        return io.cairn.coord.scsi.ScsiContext.nexusKey(initiatorPort, targetPort);
    }
}
