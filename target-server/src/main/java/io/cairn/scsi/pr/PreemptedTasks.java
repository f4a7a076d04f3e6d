package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.TaskAbort;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which tasks a gateway aborts when its copy of a LUN's context moves from one version to a later
 * one: those of the I_T nexuses named by each PREEMPT AND ABORT recorded in between (SPC-4
 * 5.14.11.2.5: the tasks of every preempted I_T nexus are aborted, on whichever gateway it lives).
 * A gateway may skip versions; the context numbers its task aborts so none is missed, and when
 * more were made than the context remembers, every task of the logical unit is aborted instead.
 *
 * @param everyTask  abort every task of the logical unit on this gateway (records were forgotten)
 * @param nexusKeys  otherwise, the nexuses whose tasks to abort; empty when there is nothing to do
 */
public record PreemptedTasks(boolean everyTask, Set<String> nexusKeys) {

    public static final PreemptedTasks NONE = new PreemptedTasks(false, Set.of());

    public PreemptedTasks {
        nexusKeys = Set.copyOf(nexusKeys);
    }

    /** The aborts recorded after {@code before} up to {@code after}, the two versions this gateway applied in turn. */
    public static PreemptedTasks between(ScsiContext before, ScsiContext after) {
        long seen = before.lastTaskAbort();
        if (after.lastTaskAbort() < seen) {
            seen = 0; // a new document (the LUN's context was deleted and made again): all of it is new
        }
        if (after.lastTaskAbort() == seen) {
            return NONE;
        }
        if (after.taskAborts().get(0).sequence() > seen + 1) {
            return new PreemptedTasks(true, Set.of());
        }
        Set<String> keys = new TreeSet<>();
        for (TaskAbort abort : after.taskAborts()) {
            if (abort.sequence() > seen) keys.addAll(abort.nexusKeys());
        }
        return new PreemptedTasks(false, keys);
    }

    public boolean isEmpty() {
        return !everyTask && nexusKeys.isEmpty();
    }
}
