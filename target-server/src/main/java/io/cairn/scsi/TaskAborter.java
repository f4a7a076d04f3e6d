package io.cairn.scsi;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The transport's hook for aborting tasks the SCSI core cannot reach itself: PREEMPT AND ABORT
 * (SPC-4 5.14.11.2.3) aborts every task of the preempted I_T nexuses on the logical unit.
 */
@FunctionalInterface
public interface TaskAborter {

    /** Aborts the tasks of {@code nexusKeys} ({@link ItNexus#key()}) on the logical unit; completes when they are gone. */
    CompletableFuture<Void> abortTasks(String lunId, Set<String> nexusKeys);

    TaskAborter NONE = (lunId, keys) -> CompletableFuture.completedFuture(null);
}
