package io.cairn.iscsi.session;

import io.cairn.iscsi.pdu.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks of one session by Initiator Task Tag, and the bookkeeping of their Data-Out: the
 * unsolicited burst, R2Ts and what has arrived for each (RFC 7143 11.7, 11.8). Decides what is
 * legal; the connection sends and receives. Event-loop confined.
 */
public final class ScsiTasks {

    /** An R2T to send. */
    public record Solicited(int r2tSn, int offset, int length) {}

    private final Map<Integer, ScsiTask> byItt = new HashMap<>();

    public ScsiTask create(int itt, long lun, int cmdSn, byte[] cdb, int attr, int edtl,
                           boolean read, boolean write, boolean tookSlot) {
        ScsiTask t = new ScsiTask(itt, lun, cmdSn, cdb, attr, edtl, read, write);
        t.tookSlot = tookSlot;
        byItt.put(itt, t);
        return t;
    }

    public ScsiTask get(int itt) {
        return byItt.get(itt);
    }

    public void remove(ScsiTask task) {
        byItt.remove(task.itt, task);
        task.finish();
    }

    public List<ScsiTask> all() {
        return new ArrayList<>(byItt.values());
    }

    public int size() {
        return byItt.size();
    }

    /**
     * Starts Data-Out collection. {@code unsolicited}: Data-Out PDUs without an R2T follow, up to
     * {@code firstBurst} bytes; {@code solicitFrom}: the offset the first R2T asks for.
     */
    public void startCollecting(ScsiTask task, boolean unsolicited, int firstBurst, int solicitFrom, int immediate) {
        task.unsolicitedPending = unsolicited;
        task.unsolicitedLimit = firstBurst;
        task.unsolicitedNextOffset = immediate;
        task.nextSolicitOffset = solicitFrom;
    }

    /** The task waits for {@code grant} from the write budget. */
    public void awaitBudget(ScsiTask task, Runnable grant) {
        task.pendingGrant = grant;
    }

    /**
     * The budget granted {@code bytes} for {@code grant}. Returns false if the task no longer
     * waits for it (it ended): then the caller gives the bytes back.
     */
    public boolean budgetGranted(ScsiTask task, Runnable grant, int bytes) {
        if (task.pendingGrant != grant || task.stage != ScsiTask.Stage.COLLECTING) {
            return false;
        }
        task.pendingGrant = null;
        task.budgetHeld = bytes;
        task.budgetReady = true;
        return true;
    }

    public boolean holdsBudget(ScsiTask task) {
        return task.budgetReady;
    }

    /** The grant the task still waits for (and forgets it), or null. */
    public Runnable pendingGrant(ScsiTask task) {
        Runnable g = task.pendingGrant;
        task.pendingGrant = null;
        return g;
    }

    /** Whether another R2T should go out now. */
    public boolean wantsR2t(ScsiTask task, int maxOutstandingR2t) {
        return task.nextSolicitOffset < task.expectedLength && task.solicitations.size() < maxOutstandingR2t;
    }

    public int nextSolicitLength(ScsiTask task, int maxBurstLength) {
        return Math.min(maxBurstLength, task.expectedLength - task.nextSolicitOffset);
    }

    /** Records an R2T for {@code length} bytes at the next offset under {@code ttt}. */
    public Solicited solicit(ScsiTask task, int ttt, int length) {
        Solicited s = new Solicited(task.r2tSn++, task.nextSolicitOffset, length);
        task.solicitations.put(ttt, new ScsiTask.Solicitation(s.offset(), length));
        task.nextSolicitOffset += length;
        return s;
    }

    /** Prefix of {@link #accountDataOut} answers that are sequence errors, not protocol errors. */
    public static final String SEQUENCE_ERROR = "sequence error: ";

    /**
     * Checks a Data-Out against what was announced or solicited and accounts for it.
     * Returns null if legal, else why not: a protocol error (RFC 7143 11.7.5), or, starting with
     * {@link #SEQUENCE_ERROR}, an out-of-order DataSN or offset (RFC 7143 7.9: an implied digest error).
     */
    public String accountDataOut(ScsiTask task, int ttt, int offset, int length, int dataSn, boolean finalBit) {
        if (ttt == Opcode.RESERVED_TAG) {
            if (!task.unsolicitedPending) {
                return "unsolicited Data-Out not expected";
            }
            if ((long) offset + length > task.unsolicitedLimit) {
                return "unsolicited Data-Out beyond FirstBurstLength";
            }
            // RFC 7143 11.7.4 and 13.19 (DataPDUInOrder=Yes): DataSN counts from 0 in each
            // sequence and offsets follow each other.
            if (dataSn != task.unsolicitedNextDataSn || offset != task.unsolicitedNextOffset) {
                return SEQUENCE_ERROR + "unsolicited Data-Out out of order (DataSN " + Integer.toUnsignedString(dataSn)
                        + ", offset " + offset + ")";
            }
            task.unsolicitedNextDataSn++;
            task.unsolicitedNextOffset += length;
            if (finalBit) {
                // RFC 7143 11.3.1.1: the unsolicited burst runs to FirstBurstLength (or the end of the data).
                if (task.unsolicitedNextOffset != task.unsolicitedLimit) {
                    return "unsolicited burst ended at " + task.unsolicitedNextOffset + " before " + task.unsolicitedLimit;
                }
                task.unsolicitedPending = false;
            }
            return null;
        }
        ScsiTask.Solicitation s = task.solicitations.get(ttt);
        if (s == null) {
            return "Data-Out with unknown Target Transfer Tag";
        }
        if (offset < s.offset || (long) offset + length > (long) s.offset + s.length) {
            return "Data-Out outside the R2T's range";
        }
        if (dataSn != s.nextDataSn || offset != s.offset + s.received) {
            return SEQUENCE_ERROR + "Data-Out out of order (DataSN " + Integer.toUnsignedString(dataSn) + ", offset " + offset + ")";
        }
        s.nextDataSn++;
        s.received += length;
        if (finalBit && s.received != s.length) {
            // RFC 7143 11.7.2: the F bit ends the sequence the R2T asked for, all of it.
            return "Data-Out sequence ended at " + (s.offset + s.received) + " before " + (s.offset + s.length);
        }
        if (s.received == s.length) {
            task.solicitations.remove(ttt);
        }
        return null;
    }

    /** Every byte of the expected data transfer length is in. */
    public boolean allDataIn(ScsiTask task) {
        return task.data.complete();
    }

    public void executing(ScsiTask task) {
        task.stage = ScsiTask.Stage.EXECUTING;
        task.solicitations.clear();
    }

    public int budgetHeld(ScsiTask task) {
        int held = task.budgetHeld;
        task.budgetHeld = 0;
        return held;
    }

    public boolean tookSlot(ScsiTask task) {
        boolean took = task.tookSlot;
        task.tookSlot = false;
        return took;
    }

    public void markAborted(ScsiTask task, Runnable whenDone) {
        task.aborted = true;
        task.onDone.add(whenDone);
    }

    public void finish(ScsiTask task) {
        byItt.remove(task.itt, task);
        task.finish();
    }
}
