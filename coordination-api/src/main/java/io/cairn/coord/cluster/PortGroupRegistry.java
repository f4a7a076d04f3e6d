package io.cairn.coord.cluster;

import java.util.List;
import java.util.function.Consumer;

/**
 * The target port group and asymmetric access state of every live gateway (SPC-4 5.16, implicit
 * ALUA), so that REPORT TARGET PORT GROUPS answers the same on every gateway. A gateway's group
 * lives as long as its coordination session: a killed gateway drops out when the session expires.
 * Reads are local (no I/O on the SCSI command path).
 */
public interface PortGroupRegistry extends AutoCloseable {

    /**
     * Called with the gateway id whenever a gateway's group appears, changes state or disappears
     * after the registry was opened (including this process's own writes).
     */
    void addListener(Consumer<String> onChange);

    /**
     * Publishes (or replaces) this gateway's group and returns once the coordination service holds it.
     *
     * @throws io.cairn.coord.CoordinationUnavailableException if it could not be stored
     */
    void publish(PortGroupRecord group);

    /** Withdraws the gateway's group (a graceful leave, after UNAVAILABLE). */
    void withdraw(String gatewayId);

    /** Every live gateway's group, sorted by group id. No I/O. */
    List<PortGroupRecord> groups();

    /** Withdraws the groups this process published. */
    @Override
    void close();
}
