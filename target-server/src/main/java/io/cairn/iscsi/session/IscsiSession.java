package io.cairn.iscsi.session;

import io.cairn.scsi.ItNexus;
import java.util.HexFormat;

/**
 * A logged-in iSCSI session (RFC 7143 4.4, 5): its identity, its I_T nexus and its one connection
 * (MaxConnections=1). The connection owns the session's event-loop state; this object is what
 * the registry and task management see from other threads.
 *
 * @param discovery whether this is a discovery session (no SCSI commands, RFC 7143 4.3)
 */
public final class IscsiSession {

    /** What a session needs from its connection, for reinstatement and resets. */
    public interface Connection {
        /**
         * Closes the connection and ends the session; tasks are aborted. Any thread. Completes when
         * no task of the session can still touch data and the I_T nexus has ended.
         */
        java.util.concurrent.CompletableFuture<Void> close(String why);

        /**
         * Aborts every task of the session for {@code lun} (or all LUNs if null); any thread.
         * Completes when no aborted task can still touch data.
         */
        java.util.concurrent.CompletableFuture<Void> abortTasks(Long lun, String why);
    }

    private final int tsih;
    private final byte[] isid;
    private final String initiatorName;
    private final String targetName;
    private final boolean discovery;
    private final ItNexus nexus;
    private final Connection connection;

    public IscsiSession(int tsih, byte[] isid, String initiatorName, String targetName, int portalGroupTag,
                        int relativeTargetPortId, boolean discovery, Connection connection) {
        this.tsih = tsih;
        this.isid = isid.clone();
        this.initiatorName = initiatorName;
        this.targetName = targetName;
        this.discovery = discovery;
        this.connection = connection;
        // RFC 7143 13.3? SCSI port names: iSCSI name + ",i,0x" + ISID / ",t,0x" + TPGT
        String initiatorPort = initiatorName + ",i,0x" + HexFormat.of().formatHex(isid);
        String targetPort = (targetName == null ? "" : targetName) + ",t,0x" + String.format("%04x", portalGroupTag);
        this.nexus = new ItNexus(initiatorPort, targetPort, relativeTargetPortId, portalGroupTag);
    }

    public int tsih() {
        return tsih;
    }

    public byte[] isid() {
        return isid.clone();
    }

    public String initiatorName() {
        return initiatorName;
    }

    public String targetName() {
        return targetName;
    }

    public boolean discovery() {
        return discovery;
    }

    public ItNexus nexus() {
        return nexus;
    }

    public Connection connection() {
        return connection;
    }

    /** Same initiator, ISID and target: a login with TSIH 0 reinstates this session (RFC 7143 6.3.5). */
    public boolean sameIdentity(String initiator, byte[] otherIsid, String target) {
        return initiatorName.equals(initiator) && java.util.Arrays.equals(isid, otherIsid)
                && java.util.Objects.equals(targetName, target);
    }
}
