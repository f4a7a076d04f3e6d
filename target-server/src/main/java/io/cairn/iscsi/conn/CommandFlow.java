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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SCSI commands on one connection: task creation, Data-Out collection (immediate, unsolicited and
 * R2T-solicited, RFC 7143 11.3, 11.7, 11.8), hand-off to the SCSI core, and the answer through
 * {@link ResponseWriter}. Solicited data is bounded by the session's write budget: R2Ts wait when
 * it is spent, so an initiator cannot make the target buffer without bound.
 * Event-loop confined.
 */
final class CommandFlow {

    private final GatewayContext gateway;
    private final IscsiConnection connection;
    private final IscsiSession session;
    private final ResponseWriter responses;
    private final ScsiTasks tasks = new ScsiTasks();
    private final ArrayDeque<ScsiTask> awaitingBudget = new ArrayDeque<>();
    private int budgetUsed;

    CommandFlow(GatewayContext gateway, IscsiConnection connection, IscsiSession session) {
        this.gateway = gateway;
        this.connection = connection;
        this.session = session;
        this.responses = new ResponseWriter(connection);
    }

    ScsiTasks tasks() {
        return tasks;
    }

    /** A SCSI Command PDU in CmdSN order (or immediate). Takes ownership of {@code pdu}. */
    void onCommand(ScsiCommandPdu pdu, boolean ordered) {
        try {
            int itt = pdu.initiatorTaskTag();
            if (itt == Opcode.RESERVED_TAG || tasks.get(itt) != null) {
                // RFC 7143 11.2.1.8: the ITT must be unique among the session's tasks.
                if (ordered) {
                    connection.window().completed();
                }
                connection.reject(Reject.INVALID_PDU_FIELD, pdu.retain());
                return;
            }
            boolean write = pdu.write();
            int edtl = pdu.expectedDataTransferLength();
            int immediate = pdu.dataLength();
            ScsiTask task = tasks.create(itt, pdu.lun(), pdu.cmdSn(), pdu.cdb(), pdu.taskAttribute(),
                    edtl, pdu.read(), write, ordered);
            if (immediate > 0) {
                // RFC 7143 11.3.4: immediate data only with ImmediateData=Yes, within FirstBurstLength.
                if (!write || !connection.params().immediateData() || immediate > connection.params().firstBurstLength()
                        || task.data().add(0, pdu.data().retain()) != WriteAssembly.Added.OK) {
                    tasks.remove(task);
                    if (ordered) {
                        connection.window().completed();
                    }
                    connection.protocolError(pdu.retain(), "bad immediate data");
                    return;
                }
            }
            if (!write || edtl == 0) {
                execute(task);
                return;
            }
            boolean unsolicited = !pdu.finalBit();
            if (unsolicited && connection.params().initialR2T()) {
                // RFC 7143 11.3.1.1: F=0 announces unsolicited Data-Out, not allowed with InitialR2T=Yes.
                tasks.remove(task);
                connection.protocolError(pdu.retain(), "unsolicited data with InitialR2T=Yes");
                return;
            }
            int firstBurst = Math.min(connection.params().firstBurstLength(), edtl);
            tasks.startCollecting(task, unsolicited, firstBurst, unsolicited ? firstBurst : immediate, immediate);
            solicit(task);
            executeIfComplete(task);
        } finally {
            pdu.release();
        }
    }

    /** A Data-Out PDU. Takes ownership. */
    void onDataOut(DataOut pdu) {
        ScsiTask task = tasks.get(pdu.initiatorTaskTag());
        if (task == null || task.stage() != ScsiTask.Stage.COLLECTING) {
            // Late data for an aborted or finished task is discarded (RFC 7143 4.2.3.3? task set semantics).
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
            failTask(task, error);
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

    /** Sends R2Ts while MaxOutstandingR2T and the write budget allow (RFC 7143 11.8). */
    private void solicit(ScsiTask task) {
        while (task.stage() == ScsiTask.Stage.COLLECTING && tasks.wantsR2t(task, connection.params().maxOutstandingR2T())) {
            int length = tasks.nextSolicitLength(task, connection.params().maxBurstLength());
            if (budgetUsed > 0 && budgetUsed + length > gateway.config().writeBudgetBytes()) {
                if (!awaitingBudget.contains(task)) {
                    awaitingBudget.add(task);
                }
                return;
            }
            budgetUsed += length;
            int ttt = connection.newTargetTransferTag();
            ScsiTasks.Solicited s = tasks.solicit(task, ttt, length);
            connection.sendDeferred(new R2t(task.lun, task.itt, ttt, s.r2tSn(), s.offset(), s.length(),
                    connection.sequence(false)));
        }
        connection.flush();
    }

    /**
     * RFC 7143 7.8: lost or out-of-order Data-Out cannot be recovered at ErrorRecoveryLevel 0; the
     * task ends with CHECK CONDITION (PROTOCOL SERVICE CRC ERROR) and nothing is written, while the
     * connection and the session's other tasks go on.
     */
    void failTask(ScsiTask task, String why) {
        if (task.stage() != ScsiTask.Stage.COLLECTING) {
            return;
        }
        org.slf4j.LoggerFactory.getLogger(CommandFlow.class).info("{}: task 0x{} failed: {}", connection.peer(),
                Integer.toHexString(task.itt), why);
        tasks.executing(task);
        task.data().close();
        ScsiCommand command = new ScsiCommand(session.nexus(), session.targetName(), LunField.decode(task.lun),
                task.cdb, task.taskAttribute, task.expectedLength, null);
        gateway.core().fail(command, io.cairn.scsi.SenseReason.PROTOCOL_SERVICE_CRC_ERROR)
                .whenComplete((r, e) -> connection.onEventLoop(() -> complete(task, r, e)));
    }

    /** A Data-Out PDU whose data digest failed: its task cannot complete (RFC 7143 7.8). */
    void onDataOutDigestError(int itt) {
        ScsiTask task = tasks.get(itt);
        if (task != null) {
            failTask(task, "data digest error");
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

    private void complete(ScsiTask task, ScsiResult result, Throwable error) {
        if (!task.aborted() && task.stage() != ScsiTask.Stage.DONE) {
            if (error != null) {
                responses.targetFailure(task);
            } else {
                responses.respond(task, result);
                result = null;
            }
        }
        if (result != null && result.dataIn() != null) {
            result.dataIn().release();
        }
        finish(task);
    }

    private void finish(ScsiTask task) {
        if (task.stage() == ScsiTask.Stage.DONE) {
            return;
        }
        budgetUsed -= tasks.budgetHeld(task);
        if (tasks.tookSlot(task)) {
            connection.window().completed();
        }
        tasks.finish(task);
        awaitingBudget.remove(task);
        ScsiTask next;
        while ((next = awaitingBudget.poll()) != null) {
            solicit(next);
            if (awaitingBudget.contains(next)) {
                break;
            }
        }
    }

    /**
     * Aborts tasks of {@code lun} (all if null): none of them gets a response (RFC 7143 4.2.3.3?
     * SAM-5 5.6); collecting tasks end at once, executing ones when the SCSI core returns.
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
