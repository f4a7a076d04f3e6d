package io.cairn.iscsi.session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One SCSI command in flight on a session, from its SCSI Command PDU to its status. For writes it
 * tracks Data-Out collection: the unsolicited burst and the R2Ts outstanding (RFC 7143 11.8).
 * Event-loop confined.
 */
public final class ScsiTask {

    /** One outstanding R2T: the range it solicited and how much of it has arrived. */
    static final class Solicitation {
        final int offset;
        final int length;
        int received;
        /** DataSN expected next within this R2T's sequence (RFC 7143 11.7.4). */
        int nextDataSn;

        Solicitation(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    public enum Stage { COLLECTING, EXECUTING, DONE }

    public final int itt;
    public final long lun;
    public final int cmdSn;
    public final byte[] cdb;
    public final int taskAttribute;
    public final int expectedLength;
    public final boolean read;
    public final boolean write;
    final WriteAssembly data;

    Stage stage = Stage.COLLECTING;
    boolean aborted;
    /** The unsolicited Data-Out burst still expected (RFC 7143 11.3.1.1: F bit of the command clear). */
    boolean unsolicitedPending;
    int unsolicitedLimit;
    /** Next offset and DataSN expected in the unsolicited sequence. */
    int unsolicitedNextOffset;
    int unsolicitedNextDataSn;
    /** Next buffer offset to solicit with an R2T. */
    int nextSolicitOffset;
    int r2tSn;
    int dataInPdus;
    final Map<Integer, Solicitation> solicitations = new HashMap<>();
    /** Bytes of the gateway's write budget this task holds (all it will solicit). */
    int budgetHeld;
    /** Set once the budget is held (or none was needed); R2Ts go out only then. */
    boolean budgetReady;
    /** The grant this task waits for in the write budget's queue, or null. */
    Runnable pendingGrant;
    /** Whether the task holds a slot of the CmdSN window (non-immediate commands). */
    boolean tookSlot;
    /** Runs when the task is done or aborted (task management waits on it). */
    final ArrayDeque<Runnable> onDone = new ArrayDeque<>(1);

    ScsiTask(int itt, long lun, int cmdSn, byte[] cdb, int taskAttribute, int expectedLength,
             boolean read, boolean write) {
        this.itt = itt;
        this.lun = lun;
        this.cmdSn = cmdSn;
        this.cdb = cdb;
        this.taskAttribute = taskAttribute;
        this.expectedLength = expectedLength;
        this.read = read;
        this.write = write;
        this.data = write ? new WriteAssembly(expectedLength) : null;
    }

    /** The Data-Out being collected, or null for a command that does not write. */
    public WriteAssembly data() {
        return data;
    }

    public Stage stage() {
        return stage;
    }

    public boolean aborted() {
        return aborted;
    }

    /** The DataSN of the next Data-In PDU (RFC 7143 11.7.4). */
    public int nextDataSn() {
        return dataInPdus++;
    }

    /** ExpDataSN for the SCSI Response: Data-In PDUs and R2Ts sent for this command (RFC 7143 11.4.6). */
    public int expDataSn() {
        return dataInPdus + r2tSn;
    }

    void finish() {
        stage = Stage.DONE;
        if (data != null) {
            data.close();
        }
        Runnable r;
        while ((r = onDone.poll()) != null) {
            r.run();
        }
    }
}
