package io.cairn.iscsi.conn;

import io.cairn.iscsi.pdu.DataOut;
import io.cairn.iscsi.pdu.Opcode;
import io.cairn.iscsi.pdu.R2t;
import io.cairn.iscsi.pdu.Reject;
import io.cairn.iscsi.pdu.ScsiCommandPdu;
import io.cairn.iscsi.session.IscsiSession;
import io.cairn.iscsi.session.ScsiTask;
import io.cairn.iscsi.session.ScsiTasks;
import io.cairn.iscsi.session.WriteAssembly;
import io.cairn.scsi.ScsiCommand;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.SenseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCSI commands on one connection: task creation, Data-Out collection (immediate, unsolicited and
 * R2T-solicited, RFC 7143 11.3, 11.7, 11.8), hand-off to the SCSI core, and the answer through
 * {@link ResponseWriter}.
 *
 * <p>Memory is bounded: a write reserves all the data it will still receive from the gateway's
 * {@link io.cairn.iscsi.session.WriteBudget} before its first R2T (and waits for it, first come
 * first served); immediate commands beyond the queue depth are rejected; each piece of data is
 * either a large zero-copy slice or coalesced with its neighbours. Event-loop confined.
 */
final class CommandFlow {

    private static final Logger log = LoggerFactory.getLogger(CommandFlow.class);
    /** No expected data transfer length beyond this is credible (the SCSI core's limits are far lower). */
    private static final long MAX_EXPECTED_LENGTH = 1L << 30;

    private final GatewayContext gateway;
    private final IscsiConnection connection;
    private final IscsiSession session;
    private final ResponseWriter responses;
    private final ScsiTasks tasks = new ScsiTasks();

    CommandFlow(GatewayContext gateway, IscsiConnection connection, IscsiSession session) {
        this.gateway = gateway;
        this.connection = connection;
        this.session = session;
        this.responses = new ResponseWriter(connection);
    }

    ScsiTasks tasks() {
        return tasks;
    }

    /** A SCSI Command PDU in CmdSN order ({@code ordered}: it holds a window slot) or immediate. Takes ownership. */
    void onCommand(ScsiCommandPdu pdu, boolean ordered) {
        try {
            int itt = pdu.initiatorTaskTag();
            long edtl = Integer.toUnsignedLong(pdu.expectedDataTransferLength());
            if (itt == Opcode.RESERVED_TAG || tasks.get(itt) != null || edtl > MAX_EXPECTED_LENGTH) {
                // RFC 7143 11.2.1.8: the ITT must be unique among the session's tasks.
                refuse(pdu, ordered, Reject.INVALID_PDU_FIELD);
                return;
            }
            if (!ordered && tasks.size() >= gateway.config().queueDepth()) {
                // RFC 7143 11.17.1: immediate commands do not take window slots, so they are bounded here.
                refuse(pdu, false, Reject.IMMEDIATE_COMMAND_REJECT);
                return;
            }
            boolean write = pdu.write();
            int length = (int) edtl;
            int immediate = pdu.dataLength();
            ScsiTask task = tasks.create(itt, pdu.lun(), pdu.cmdSn(), pdu.cdb(), pdu.taskAttribute(),
                    length, pdu.read(), write, ordered);
            if (immediate > 0) {
                // RFC 7143 11.3.4: immediate data only with ImmediateData=Yes, within FirstBurstLength.
                if (!write || !connection.params().immediateData() || immediate > connection.params().firstBurstLength()
                        || task.data().add(0, pdu.data().retain()) != WriteAssembly.Added.OK) {
                    abandon(task);
                    connection.protocolError(pdu.retain(), "bad immediate data");
                    return;
                }
            }
            if (!write || length == 0) {
                execute(task);
                return;
            }
            boolean unsolicited = !pdu.finalBit();
            if (unsolicited && connection.params().initialR2T()) {
                // RFC 7143 11.3.1.1: F=0 announces unsolicited Data-Out, not allowed with InitialR2T=Yes.
                abandon(task);
                connection.protocolError(pdu.retain(), "unsolicited data with InitialR2T=Yes");
                return;
            }
            int firstBurst = Math.min(connection.params().firstBurstLength(), length);
            tasks.startCollecting(task, unsolicited, firstBurst, unsolicited ? firstBurst : immediate, immediate);
            reserveBudget(task, length - immediate);
        } finally {
            pdu.release();
        }
    }

    /** Rejects a command PDU; an ordered one gives its window slot back. Takes a reference of {@code pdu}. */
    private void refuse(ScsiCommandPdu pdu, boolean ordered, int reason) {
        if (ordered) {
            connection.ordering().completed();
        }
        connection.reject(reason, pdu.retain());
    }

    private void reserveBudget(ScsiTask task, int need) {
        if (need == 0) {
            executeIfComplete(task);
            return;
        }
        var budget = gateway.writeBudget();
        if (need > budget.capacity()) {
            failTask(task, SenseReason.INVALID_FIELD_IN_INFORMATION_UNIT,
                    "expected data transfer length beyond the write budget");
            return;
        }
        Runnable grant = new Runnable() {
            @Override
            public void run() {
                connection.onEventLoop(() -> granted(task, this, need));
            }
        };
        tasks.awaitBudget(task, grant);
        if (budget.acquire(need, grant)) {
            granted(task, grant, need);
        }
    }

    private void granted(ScsiTask task, Runnable grant, int bytes) {
        if (!tasks.budgetGranted(task, grant, bytes)) {
            gateway.writeBudget().release(bytes); // the task ended while it waited
            return;
        }
        solicit(task);
        executeIfComplete(task);
    }

    /** A Data-Out PDU. Takes ownership. */
    void onDataOut(DataOut pdu) {
        ScsiTask task = tasks.get(pdu.initiatorTaskTag());
        if (task == null || task.stage() != ScsiTask.Stage.COLLECTING) {
            // Data for a task that ended (aborted, or failed by a sequence error) is discarded.
            pdu.release();
            return;
        }
        int offset = pdu.bufferOffset();
        int length = pdu.dataLength();
        String error = tasks.accountDataOut(task, pdu.targetTransferTag(), offset, length, pdu.dataSn(), pdu.finalBit());
        if (error == null) {
            WriteAssembly.Added added = task.data().add(offset, pdu.data().retain());
            if (added != WriteAssembly.Added.OK) {
                error = added == WriteAssembly.Added.OVERLAP ? "overlapping Data-Out" : "Data-Out beyond the expected data transfer length";
            }
        }
        if (error != null && error.startsWith(ScsiTasks.SEQUENCE_ERROR)) {
            pdu.release();
            failTask(task, SenseReason.PROTOCOL_SERVICE_CRC_ERROR, error);
            return;
        }
        if (error != null) {
            // RFC 7143 11.7.5/11.8: data outside what was announced or solicited is a protocol error.
            connection.protocolError(pdu, error);
            return;
        }
        pdu.release();
        solicit(task);
        executeIfComplete(task);
    }

    /** Sends R2Ts while MaxOutstandingR2T allows, once the task's budget is held (RFC 7143 11.8). */
    private void solicit(ScsiTask task) {
        boolean sent = false;
        while (task.stage() == ScsiTask.Stage.COLLECTING && tasks.holdsBudget(task)
                && tasks.wantsR2t(task, connection.params().maxOutstandingR2T())) {
            int length = tasks.nextSolicitLength(task, connection.params().maxBurstLength());
            int ttt = connection.newTargetTransferTag();
            ScsiTasks.Solicited s = tasks.solicit(task, ttt, length);
            connection.sendDeferred(new R2t(task.lun, task.itt, ttt, s.r2tSn(), s.offset(), s.length(),
                    connection.sequence(false)));
            sent = true;
        }
        if (sent) {
            connection.flush();
        }
    }

    private void executeIfComplete(ScsiTask task) {
        if (task.stage() == ScsiTask.Stage.COLLECTING && tasks.allDataIn(task)) {
            execute(task);
        }
    }

    private void execute(ScsiTask task) {
        ByteBuf dataOut = task.data() == null || task.data().received() == 0
                ? null : task.data().take(PooledByteBufAllocator.DEFAULT);
        tasks.executing(task);
        ScsiCommand command = new ScsiCommand(session.nexus(), session.targetName(), LunField.decode(task.lun),
                task.cdb, task.taskAttribute, task.expectedLength, dataOut);
        CompletableFuture<ScsiResult> result;
        try {
            result = gateway.core().execute(command);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((r, e) -> connection.onEventLoop(() -> complete(task, r, e)));
    }

    /**
     * RFC 7143 7.8: lost or out-of-order Data-Out cannot be recovered at ErrorRecoveryLevel 0; the
     * task ends with CHECK CONDITION and nothing is written, while the connection and the session's
     * other tasks go on. Also used for a write whose data could never be buffered.
     */
    void failTask(ScsiTask task, SenseReason reason, String why) {
        if (task.stage() != ScsiTask.Stage.COLLECTING) {
            return;
        }
        log.info("{}: task 0x{} failed: {}", connection.peer(), Integer.toHexString(task.itt), why);
        tasks.executing(task);
        task.data().close();
        ScsiCommand command = new ScsiCommand(session.nexus(), session.targetName(), LunField.decode(task.lun),
                task.cdb, task.taskAttribute, task.expectedLength, null);
        CompletableFuture<ScsiResult> result;
        try {
            result = gateway.core().fail(command, reason);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((r, e) -> connection.onEventLoop(() -> complete(task, r, e)));
    }

    /** A Data-Out PDU whose data digest failed: its task cannot complete (RFC 7143 7.8). */
    void onDataOutDigestError(int itt) {
        ScsiTask task = tasks.get(itt);
        if (task != null) {
            failTask(task, SenseReason.PROTOCOL_SERVICE_CRC_ERROR, "data digest error");
        }
    }

    private void complete(ScsiTask task, ScsiResult result, Throwable error) {
        // The window slot opens before the status goes out, so its MaxCmdSN already counts it.
        releaseSlot(task);
        ByteBuf dataIn = result == null ? null : result.dataIn();
        try {
            if (!task.aborted() && task.stage() != ScsiTask.Stage.DONE) {
                if (error != null) {
                    log.warn("{}: task 0x{} failed in the SCSI core", connection.peer(), Integer.toHexString(task.itt), error);
                    responses.targetFailure(task);
                } else {
                    dataIn = null; // respond takes ownership
                    responses.respond(task, result);
                }
            }
        } finally {
            if (dataIn != null) {
                dataIn.release();
            }
            finish(task);
        }
    }

    private void releaseSlot(ScsiTask task) {
        if (tasks.tookSlot(task)) {
            connection.ordering().completed();
        }
    }

    /** A task dropped before it started (its PDU was refused): nothing to answer. */
    private void abandon(ScsiTask task) {
        releaseSlot(task);
        tasks.remove(task);
    }

    private void finish(ScsiTask task) {
        if (task.stage() == ScsiTask.Stage.DONE) {
            return;
        }
        releaseSlot(task);
        Runnable waiting = tasks.pendingGrant(task);
        if (waiting != null) {
            gateway.writeBudget().cancel(waiting); // if already granted, granted() gives it back
        }
        int held = tasks.budgetHeld(task);
        if (held > 0) {
            gateway.writeBudget().release(held);
        }
        tasks.finish(task);
    }

    /**
     * Aborts tasks of {@code lun} (all if null): none of them gets a response (SAM-5 5.6);
     * collecting tasks end at once, executing ones when the SCSI core returns.
     */
    CompletableFuture<Void> abortAll(Long lun, String why) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (ScsiTask task : tasks.all()) {
            if (lun == null || LunField.decode(task.lun) == lun) {
                waits.add(abort(task));
            }
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    /** Aborts one task; completes when it can no longer touch data. */
    CompletableFuture<Void> abort(ScsiTask task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (task.stage() == ScsiTask.Stage.DONE) {
            done.complete(null);
            return done;
        }
        tasks.markAborted(task, () -> done.complete(null));
        if (task.stage() == ScsiTask.Stage.COLLECTING) {
            finish(task);
        }
        return done;
    }
}
