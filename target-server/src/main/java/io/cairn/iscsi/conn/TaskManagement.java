package io.cairn.iscsi.conn;

import io.cairn.iscsi.pdu.TaskMgmtRequest;
import io.cairn.iscsi.pdu.TaskMgmtResponse;
import io.cairn.iscsi.session.IscsiSession;
import io.cairn.iscsi.session.ScsiTask;
import io.cairn.iscsi.session.SerialNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Task management functions (RFC 7143 11.5, SAM-5 7). Aborted tasks get no response; the TMF
 * response goes out only when every affected task can no longer touch data, and, for resets, when
 * the SCSI core has stored the reset's effects. Event-loop confined.
 */
final class TaskManagement {

    private final GatewayContext gateway;
    private final IscsiConnection connection;
    private final IscsiSession session;
    private final CommandFlow commands;

    TaskManagement(GatewayContext gateway, IscsiConnection connection, IscsiSession session, CommandFlow commands) {
        this.gateway = gateway;
        this.connection = connection;
        this.session = session;
        this.commands = commands;
    }

    /** Takes ownership of {@code pdu}. */
    void onRequest(TaskMgmtRequest pdu) {
        int itt = pdu.initiatorTaskTag();
        int function = pdu.function();
        long lunField = pdu.lun();
        long lun = LunField.decode(lunField);
        int refItt = pdu.referencedTaskTag();
        int refCmdSn = pdu.refCmdSn();
        int cmdSn = pdu.cmdSn();
        pdu.release();
        if (session.discovery()) {
            respond(itt, TaskMgmtResponse.FUNCTION_REJECTED);
            return;
        }
        boolean lunScoped = function == TaskMgmtRequest.ABORT_TASK || function == TaskMgmtRequest.ABORT_TASK_SET
                || function == TaskMgmtRequest.CLEAR_TASK_SET || function == TaskMgmtRequest.LOGICAL_UNIT_RESET
                || function == TaskMgmtRequest.CLEAR_ACA;
        if (lunScoped && !gateway.core().luns(session.targetName()).contains(lun)) {
            respond(itt, TaskMgmtResponse.LUN_DOES_NOT_EXIST);
            return;
        }
        switch (function) {
            case TaskMgmtRequest.ABORT_TASK -> abortTask(itt, lun, refItt, refCmdSn, cmdSn);
            case TaskMgmtRequest.ABORT_TASK_SET -> { // SAM-5 7.3: this I_T nexus's tasks for the LU
                connection.ordering().dropTasks(IscsiConnection.scsiCommandsFor(lun));
                after(itt, commands.abortAll(lun, "ABORT TASK SET"));
            }
            case TaskMgmtRequest.CLEAR_TASK_SET -> // SAM-5 7.5: every I_T nexus's tasks for the LU (shared task set)
                    after(itt, abortEverywhere(lun, "CLEAR TASK SET"));
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> after(itt, abortEverywhere(lun, "LOGICAL UNIT RESET")
                    .thenCompose(v -> gateway.core().logicalUnitReset(session.nexus(), session.targetName(), lun)));
            case TaskMgmtRequest.TARGET_WARM_RESET -> after(itt, abortEverywhere(null, "TARGET WARM RESET")
                    .thenCompose(v -> gateway.core().targetReset(session.nexus(), session.targetName(), false)));
            case TaskMgmtRequest.TARGET_COLD_RESET -> after(itt, abortEverywhere(null, "TARGET COLD RESET")
                    .thenCompose(v -> gateway.core().targetReset(session.nexus(), session.targetName(), true)),
                    this::dropTargetSessions);
            // RFC 7143 11.6.1: no ACA support (NACA=0 only), no task reassignment at ErrorRecoveryLevel 0.
            case TaskMgmtRequest.TASK_REASSIGN -> respond(itt, TaskMgmtResponse.TASK_REASSIGNMENT_NOT_SUPPORTED);
            default -> respond(itt, TaskMgmtResponse.FUNCTION_NOT_SUPPORTED);
        }
    }

    private void abortTask(int itt, long lun, int refItt, int refCmdSn, int cmdSn) {
        ScsiTask task = commands.tasks().get(refItt);
        if (task != null) {
            if (LunField.decode(task.lun) != lun) {
                respond(itt, TaskMgmtResponse.TASK_DOES_NOT_EXIST); // RFC 7143 11.5.1: LUN and tag together
                return;
            }
            after(itt, commands.abort(task));
            return;
        }
        if (connection.ordering().dropTasks(p -> p.initiatorTaskTag() == refItt) > 0) {
            respond(itt, TaskMgmtResponse.FUNCTION_COMPLETE); // held for CmdSN order: it never runs
            return;
        }
        // RFC 7143 11.5.1 b: a task never received (RefCmdSN inside the window, before this TMF)
        // is considered received and aborted; otherwise it does not exist.
        boolean notYetReceived = SerialNumbers.atMost(connection.ordering().expCmdSn(), refCmdSn)
                && SerialNumbers.lessThan(refCmdSn, cmdSn);
        if (notYetReceived) {
            connection.ordering().consumeCmdSn(refCmdSn, false);
        }
        respond(itt, notYetReceived ? TaskMgmtResponse.FUNCTION_COMPLETE : TaskMgmtResponse.TASK_DOES_NOT_EXIST);
    }

    /** Aborts tasks of {@code lun} (null: all) on every session of this target, this one included. */
    private CompletableFuture<Void> abortEverywhere(Long lun, String why) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        connection.ordering().dropTasks(IscsiConnection.scsiCommandsFor(lun));
        all.add(commands.abortAll(lun, why));
        for (IscsiSession other : gateway.sessions().sessions()) {
            if (other != session && !other.discovery() && session.targetName().equals(other.targetName())) {
                all.add(other.connection().abortTasks(lun, why));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** SAM-5 7.12? a cold reset also ends every I_T nexus of the target, this one after its response. */
    private void dropTargetSessions() {
        for (IscsiSession other : gateway.sessions().sessions()) {
            if (other != session && !other.discovery() && session.targetName().equals(other.targetName())) {
                other.connection().close("TARGET COLD RESET");
            }
        }
        connection.closeAfterFlush("TARGET COLD RESET");
    }

    private void after(int itt, CompletableFuture<Void> work) {
        after(itt, work, () -> { });
    }

    /** Responds when {@code work} is done, then runs {@code then} on the event loop. */
    private void after(int itt, CompletableFuture<Void> work, Runnable then) {
        work.whenComplete((v, e) -> connection.onEventLoop(() -> {
            respond(itt, e == null ? TaskMgmtResponse.FUNCTION_COMPLETE : TaskMgmtResponse.FUNCTION_REJECTED);
            then.run();
        }));
    }

    private void respond(int itt, int response) {
        connection.send(new TaskMgmtResponse(itt, response, connection.sequence(true)));
    }
}
