package io.cairn.scsi;

import java.util.List;

/**
 * The target port groups through which the logical units are presented and their asymmetric
 * access states (SPC-4 5.16, implicit ALUA): one group per gateway, each with one target port.
 * Backed by coordination in a cluster, so REPORT TARGET PORT GROUPS answers the same everywhere.
 * Every method is called on the SCSI command path and does no I/O.
 */
public interface PortGroups {

    /**
     * One target port group as REPORT TARGET PORT GROUPS describes it (SPC-4 6.37.2).
     *
     * @param id             TARGET PORT GROUP
     * @param state          its asymmetric access state
     * @param relativePortId RELATIVE TARGET PORT IDENTIFIER of its one port
     */
    record PortGroup(int id, AluaState state, int relativePortId) {}

    /** Every group, ordered by group id; always includes the group of the port {@code asking} came through. */
    List<PortGroup> groups(ItNexus asking);

    /** The state of a group, for the ALUA check of a command that came through one of its ports. */
    AluaState stateOf(int groupId);

    /**
     * Registers what to run when another gateway's group joins, leaves or changes state (raising
     * ASYMMETRIC ACCESS STATE CHANGED, SPC-4 5.16.2.6). Called on a coordination thread; must not block.
     */
    void onChange(Runnable listener);

    /** One gateway: only the asking port's own group, always in {@code state}; nothing ever changes. */
    static PortGroups single(AluaState state) {
        return new PortGroups() {
            @Override
            public List<PortGroup> groups(ItNexus asking) {
                return List.of(new PortGroup(asking.targetPortGroup(), state, asking.relativeTargetPortId()));
            }

            @Override
            public AluaState stateOf(int groupId) {
                return state;
            }

            @Override
            public void onChange(Runnable listener) {
            }
        };
    }
}
