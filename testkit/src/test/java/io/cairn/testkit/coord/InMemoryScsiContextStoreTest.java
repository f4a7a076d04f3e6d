package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryScsiContextStoreTest extends ScsiContextStoreContract {

    private InMemoryScsiContextStore store;

    @BeforeEach
    void fresh() {
        store = new InMemoryScsiContextStore();
    }

    @Override
    protected ScsiContextStore store() {
        return store;
    }

    @Override
    protected ScsiContextStore peer() {
        return store;
    }

    @Test
    void unreachableStoreFailsUpdatesAndKeepsTheLastContext() throws Exception {
        store.update("lun-a", c -> new ScsiContextStore.Update<>(c.withAptpl(true), null)).get();
        store.setReachable(false);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> store.update("lun-a", c -> new ScsiContextStore.Update<>(c.withAptpl(false), null)).get());
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
        assertEquals(true, store.current("lun-a").aptpl());
        store.setReachable(true);
        store.update("lun-a", c -> new ScsiContextStore.Update<>(c.withAptpl(false), null)).get();
        assertEquals(false, store.current("lun-a").aptpl());
        assertSame(ScsiContext.EMPTY, store.current("lun-b"));
    }
}
