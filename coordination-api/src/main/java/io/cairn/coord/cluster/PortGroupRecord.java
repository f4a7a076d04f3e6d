package io.cairn.coord.cluster;

import java.util.Objects;

/**
 * One gateway's target port group as every gateway reports it in REPORT TARGET PORT GROUPS
 * (SPC-4 6.36): its group number, the relative target port identifier of its one port, and its
 * asymmetric access state by name (SPC-4 5.16.2: ACTIVE_OPTIMIZED, TRANSITIONING, UNAVAILABLE, ...).
 * The state stays a name here because coordination knows nothing of SCSI codes; the SCSI side maps it.
 *
 * @param gatewayId      the gateway that owns the group (its ephemeral node's name)
 * @param groupId        TARGET PORT GROUP, 1..65535
 * @param relativePortId RELATIVE TARGET PORT IDENTIFIER, 1..65535
 * @param state          the asymmetric access state's name
 */
public record PortGroupRecord(String gatewayId, int groupId, int relativePortId, String state) {

    public PortGroupRecord {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(state, "state");
        if (groupId < 1 || groupId > 0xFFFF) throw new IllegalArgumentException("target port group " + groupId);
        if (relativePortId < 1 || relativePortId > 0xFFFF) {
            throw new IllegalArgumentException("relative target port id " + relativePortId);
        }
    }

    public PortGroupRecord withState(String next) {
        return new PortGroupRecord(gatewayId, groupId, relativePortId, next);
    }
}
