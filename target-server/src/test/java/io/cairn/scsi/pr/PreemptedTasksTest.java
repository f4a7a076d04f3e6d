package io.cairn.scsi.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.coord.scsi.ScsiContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreemptedTasksTest {

    private static ScsiContext aborts(ScsiContext ctx, String... keys) {
        return ctx.withTaskAbort(Set.of(keys));
    }

    @Test
    void versionsWithoutNewAbortsAbortNothing() {
        ScsiContext one = aborts(ScsiContext.EMPTY, "a");
        assertTrue(PreemptedTasks.between(ScsiContext.EMPTY, ScsiContext.EMPTY).isEmpty());
        assertTrue(PreemptedTasks.between(one, one.withAptpl(true)).isEmpty(), "an unrelated change re-aborts nothing");
    }

    @Test
    void everyAbortRecordedSinceTheLastAppliedVersionCounts() {
        ScsiContext one = aborts(ScsiContext.EMPTY, "a");
        ScsiContext three = aborts(aborts(one, "b"), "c", "d");
        assertEquals(new PreemptedTasks(false, Set.of("a")), PreemptedTasks.between(ScsiContext.EMPTY, one));
        // a gateway whose copy skipped the version with "b" still aborts it
        assertEquals(new PreemptedTasks(false, Set.of("b", "c", "d")), PreemptedTasks.between(one, three));
    }

    @Test
    void forgottenAbortsAbortEveryTask() {
        ScsiContext seen = aborts(ScsiContext.EMPTY, "a");
        ScsiContext now = seen;
        for (int i = 0; i <= ScsiContext.MAX_TASK_ABORTS; i++) {
            now = aborts(now, "k" + i);
        }
        PreemptedTasks p = PreemptedTasks.between(seen, now);
        assertTrue(p.everyTask(), "more aborts than remembered: which nexuses is unknown");
        assertEquals(new PreemptedTasks(false, Set.of("k" + ScsiContext.MAX_TASK_ABORTS)),
                PreemptedTasks.between(previousOf(now), now), "one step behind: only the latest");
    }

    /** The version just before {@code now}: its task aborts without the latest. */
    private static ScsiContext previousOf(ScsiContext now) {
        List<ScsiContext.TaskAbort> all = now.taskAborts();
        return new ScsiContext(0, List.of(), null, false, null, Map.of(), Map.of(), all.subList(0, all.size() - 1));
    }

    @Test
    void aDeletedContextAbortsNothingAndARecreatedOneCountsFromScratch() {
        ScsiContext old = aborts(aborts(ScsiContext.EMPTY, "a"), "b");
        assertTrue(PreemptedTasks.between(old, ScsiContext.EMPTY).isEmpty());
        assertEquals(new PreemptedTasks(false, Set.of("c")), PreemptedTasks.between(old, aborts(ScsiContext.EMPTY, "c")),
                "a new document numbers from 1 again");
    }
}
