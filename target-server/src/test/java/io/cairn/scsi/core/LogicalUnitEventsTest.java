package io.cairn.scsi.core;

import static io.cairn.scsi.CoreFixture.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cairn.scsi.CoreFixture;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.pr.Reservations;
import io.cairn.testkit.coord.InMemoryScsiContextStore;
import org.junit.jupiter.api.Test;

/**
 * {@link LogicalUnitEvents} through the core: nexus logins and the task aborts a context version
 * asks for. Resets, nexus loss and port group changes are asserted with the commands that observe
 * them (DefaultScsiCoreTest, CommandSetTest, AluaTransitionTest).
 */
class LogicalUnitEventsTest {

    private final CoreFixture f = new CoreFixture();

    @Test
    void newNexusStartsWithoutUnitAttentionAndDropsStaleOnes() {
        f.loggedIn();
        assertEquals(ScsiResult.GOOD, f.run(A, "000000000000").status(), "a login is not a power cycle");
        f.core.logicalUnitReset(B, TARGET, 0).join(); // A gets BUS DEVICE RESET
        f.core.nexusLost(A, TARGET);
        f.core.nexusCreated(A, TARGET);
        assertEquals(ScsiResult.GOOD, f.run(A, "000000000000").status(), "the old nexus's condition is gone");
    }

    @Test
    void taskAbortsRecordedByAnyGatewayAbortTheNamedNexusesBeforeTheVersionCountsAsApplied() {
        java.util.List<java.util.Set<String>> aborted = new java.util.ArrayList<>();
        java.util.concurrent.CompletableFuture<Void> abortsDone = new java.util.concurrent.CompletableFuture<>();
        InMemoryScsiContextStore store = new InMemoryScsiContextStore();
        LunDirectory dir = new LunDirectory() {
            public java.util.Optional<LogicalUnit> find(String t, long l) {
                return java.util.Optional.of(f.unit);
            }

            public java.util.List<Long> luns(String t) {
                return java.util.List.of(0L);
            }
        };
        DefaultScsiCore core = new DefaultScsiCore(dir, store, ScsiCoreConfig.defaults(), Reservations.SPC4,
                (lun, keys) -> {
                    assertEquals(f.unit.id(), lun);
                    aborted.add(keys);
                    return abortsDone;
                }, Runnable::run);
        core.nexusCreated(A, TARGET);
        core.nexusCreated(B, TARGET);

        // Each version written, by this gateway or (through the store's watch) another, passes the
        // core's apply step before it counts as applied.
        java.util.concurrent.CompletableFuture<Void> applied =
                write(store, c -> c.withTaskAbort(java.util.Set.of(A.key())));
        assertEquals(java.util.List.of(java.util.Set.of(A.key())), aborted,
                "the core registers one apply step, which aborts the named nexus's tasks");
        assertFalse(applied.isDone(), "the version counts as applied only once the aborted tasks are gone");
        abortsDone.complete(null);
        assertTrue(applied.isDone());

        assertTrue(write(store, c -> c.withAptpl(true)).isDone());
        assertEquals(1, aborted.size(), "a version without a new abort aborts nothing");

        write(store, c -> {
            io.cairn.coord.scsi.ScsiContext far = c;
            for (int i = 0; i <= io.cairn.coord.scsi.ScsiContext.MAX_TASK_ABORTS; i++) {
                far = far.withTaskAbort(java.util.Set.of("gone-" + i));
            }
            return far;
        });
        assertEquals(java.util.Set.of(A.key(), B.key()), aborted.get(1),
                "aborts forgotten in between: every task of the LU on this gateway");
    }

    private java.util.concurrent.CompletableFuture<Void> write(InMemoryScsiContextStore store,
            java.util.function.UnaryOperator<io.cairn.coord.scsi.ScsiContext> change) {
        return store.update(f.unit.id(), c -> new io.cairn.coord.scsi.ScsiContextStore.Update<>(change.apply(c), null));
    }
}
