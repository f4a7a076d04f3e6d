package io.cairn.scsi;

import java.util.Set;

/**
 * The I_T nexuses through which each logical unit is visible on every gateway, so that a unit
 * attention raised by one gateway (logical unit reset, mode parameters changed) reaches the
 * nexuses of the others (architecture.md "Consistency invariants"). Backed by coordination in a cluster.
 */
public interface SharedNexuses {

    /** This gateway's nexuses for the logical unit, replacing what it published before. */
    void publish(String lunId, Set<String> nexusKeys);

    /** Nexus keys of the logical unit on every live gateway (this one included). No I/O. */
    Set<String> of(String lunId);

    /** One gateway: nothing is shared. */
    SharedNexuses NONE = new SharedNexuses() {
        @Override
        public void publish(String lunId, Set<String> nexusKeys) {
        }

        @Override
        public Set<String> of(String lunId) {
            return Set.of();
        }
    };
}
