package io.cairn.store;

import io.cairn.store.disk.Disk;
import io.cairn.store.oplog.MemoryOpLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * thread (an event loop), whole-copy reads handed to the sync threads, and durability (FUA, flush)
 * the log's: a wait for its sync, never a force on the caller's thread.
 */
class FileSubUnitInlineIoTest extends SubUnitReplicaContract {
    private final MemoryOpLog oplog = new MemoryOpLog();
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
        FileSubUnit unit = FileSubUnit.open(Disk.local(), oplog, "lun/" + n, dir.resolve(n + ".blocks"),
                dir.resolve(n + ".versions"), blockCount, BS, GRANULE * BS, clock, Runnable::run, sync);
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
        oplog.holdSyncs(true);
        CompletableFuture<Void> fua = unit.write(4, in(randomBlocks(1)), true);
        CompletableFuture<Void> flush = unit.flush();
        assertFalse(fua.isDone(), "a FUA write completes only once the log is durable up to it");
        assertFalse(flush.isDone(), "a flush completes only once the log is durable up to it");
        oplog.releaseSyncs();
        get(fua);
        get(flush);
        assertEquals(0, syncTasks.get(), "durability is the log's: nothing is forced on the sync lane");
        get(unit.digests());
        assertEquals(1, syncTasks.get(), "the digest pass reads the whole copy on the sync lane");
    }
}
