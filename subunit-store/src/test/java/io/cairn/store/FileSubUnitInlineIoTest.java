package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.BlockDevice;
import io.cairn.testkit.replica.SubUnitReplicaContract;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FileSubUnit as a store with {@code --io-threads 0} runs it: reads and writes on the caller's
 * thread (an event loop), forces and whole-copy reads handed to the sync threads.
 */
class FileSubUnitInlineIoTest extends SubUnitReplicaContract {
    @TempDir
    Path dir;
    private final List<Closeable> toClose = new ArrayList<>();
    private final AtomicInteger syncTasks = new AtomicInteger();
    private int created;

    private final Executor sync = task -> {
        syncTasks.incrementAndGet();
        executor.execute(task);
    };

    @Override
    protected BlockDevice newDevice(long blockCount) throws IOException {
        int n = created++;
        VersionClock clock = VersionClock.open(dir.resolve("clock" + n), 1);
        FileSubUnit unit = FileSubUnit.open(dir.resolve(n + ".blocks"), dir.resolve(n + ".versions"),
                blockCount, BS, GRANULE * BS, clock, Runnable::run, sync);
        toClose.add(unit);
        toClose.add(clock);
        return unit;
    }

    @AfterEach
    void closeDevices() throws IOException {
        for (Closeable c : toClose) {
            c.close();
        }
    }

    @Test
    void requestsCompleteOnTheCallerAndOnlyForcesAndDigestsAreHandedOff() throws Exception {
        FileSubUnit unit = (FileSubUnit) newDevice(64);
        CompletableFuture<Void> write = unit.write(0, in(randomBlocks(2)), false);
        assertTrue(write.isDone(), "a write without FUA completes before the call returns");
        assertTrue(unit.read(0, 2).thenAccept(b -> b.release()).isDone());
        assertTrue(unit.unmap(8, 4).isDone());
        assertTrue(unit.versions().isDone());
        assertEquals(0, syncTasks.get());
        get(unit.write(4, in(randomBlocks(1)), true));
        assertEquals(1, syncTasks.get(), "the FUA write's force ran on the sync lane");
        get(unit.flush());
        get(unit.digests());
        assertEquals(3, syncTasks.get());
    }
}
