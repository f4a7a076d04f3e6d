package io.cairn.coord.scsi;

import java.util.Set;

/**
 * The I_T nexuses every live gateway serves, per LUN: each gateway publishes its own, and any
 * gateway can read the union, to establish a unit attention (logical unit reset, mode parameters
 * changed; SPC-4 6.x) for nexuses it does not serve itself. A nexus key is the caller's string
 * (e.g. initiator port name and target port identifier).
 */
public interface NexusDirectory extends AutoCloseable {

    /** This gateway now serves {@code nexus} on the LUN. Published in the background. */
    void add(String lunId, String nexus);

    /** This gateway no longer serves {@code nexus} on the LUN. Published in the background. */
    void remove(String lunId, String nexus);

    /**
     * Every nexus on the LUN over all live gateways, this one's as of its last {@link #add} or
     * {@link #remove}, others' as last seen. No I/O.
     */
    Set<String> nexuses(String lunId);

    /** Withdraws this gateway's nexuses. */
    @Override
    void close();
}
