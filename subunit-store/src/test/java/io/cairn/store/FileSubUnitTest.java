package io.cairn.store;

import io.cairn.store.disk.Disk;
import io.cairn.store.oplog.MemoryOpLog;

import io.cairn.testkit.replica.SubUnitReplicaContract;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.BlockDevice;
import io.cairn.block.LbaExtent;
import io.cairn.replica.BlockVersion;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSubUnitTest extends SubUnitReplicaContract {
    @TempDir
    Path dir;
    private final List<AutoCloseableIo> toClose = new ArrayList<>();
    private int created;
    private final MemoryOpLog oplog = new MemoryOpLog();

    private interface AutoCloseableIo {
        void close() throws IOException;
    }

    @Override
    protected BlockDevice newDevice(long blockCount) throws IOException {
        int n = created++;
        VersionClock clock = VersionClock.open(dir.resolve("clock" + n), 1);
        FileSubUnit unit = FileSubUnit.open(Disk.local(), oplog, "lun/" + n, dir.resolve(n + ".blocks"),
                dir.resolve(n + ".versions"), blockCount, BS, GRANULE * BS, clock, executor, executor);
        toClose.add(unit::close);
        toClose.add(clock::close);
        return unit;
    }

    @AfterEach
    void closeDevices() throws IOException {
        for (AutoCloseableIo c : toClose) {
            c.close();
        }
    }

    private SubUnitStore store() throws IOException {
        return SubUnitStore.open(dir.resolve("data"), 7, executor, GRANULE * BS);
    }

    @Test
    void blockFileIsSparseAndMetadataSmall() throws Exception {
        try (SubUnitStore store = store()) {
            store.open("lun", 0, 1 << 16, BS);
        }
        Path lun = dir.resolve("data/subunits/lun");
        assertEquals((1L << 16) * BS, Files.size(lun.resolve("0.blocks")));
        // 16384 granules: 32-byte header, 16 bytes per entry (format 2), one bit per entry
        assertEquals(32 + 16 * 16384 + 16384 / 8, Files.size(lun.resolve("0.versions")));
    }

    @Test
    void versionsIncreasePerWriteAndSurviveReopen() throws Exception {
        byte[] a = randomBlocks(2);
        byte[] b = randomBlocks(1);
        long v0;
        long v1;
        long v2;
        BlockVersion unmapped;
        try (SubUnitStore store = store()) {
            FileSubUnit unit = store.open("lun-a", 3, 64, BS);
            assertEquals(BlockVersion.NONE, unit.versionAt(0));
            get(unit.write(0, in(a), false));
            v0 = unit.versionAt(0).id();
            get(unit.write(4, in(b), false));
            v1 = unit.versionAt(4).id();
            get(unit.write(1, in(b), false));
            v2 = unit.versionAt(1).id();
            assertTrue(v0 > 0 && v1 > v0 && v2 > v1, "versions must increase: " + v0 + " " + v1 + " " + v2);
            assertEquals(7, VersionClock.nodeOf(v2));
            assertEquals(v1, unit.versionAt(7).id());
            assertEquals(BlockVersion.NONE, unit.versionAt(8));
            get(unit.unmap(8, 4));
            unmapped = unit.versionAt(8);
            assertTrue(unmapped.id() > v2, "deallocation is a versioned change");
            assertSame(unit, store.open("lun-a", 3, 64, BS));
        }
        try (SubUnitStore store = store()) {
            FileSubUnit unit = store.open("lun-a", 3, 64, BS);
            assertEquals(v2, unit.versionAt(0).id());
            assertEquals(v1, unit.versionAt(4).id());
            byte[] expected = a.clone();
            System.arraycopy(b, 0, expected, BS, BS);
            assertArrayEquals(expected, read(unit, 0, 2));
            assertArrayEquals(b, read(unit, 4, 1));
            assertEquals(List.of(new LbaExtent(0, 8, true), new LbaExtent(8, 56, false)), get(unit.lbaStatus(0, 10)));
            get(unit.write(20, in(b), true));
            assertTrue(unit.versionAt(20).newerThan(unmapped), "clock continues after reopen");
        }
    }

    @Test
    void reopenWithOtherGeometryFails() throws Exception {
        try (SubUnitStore store = store()) {
            store.open("lun", 1, 64, BS);
        }
        try (SubUnitStore store = store()) {
            assertThrows(IOException.class, () -> store.open("lun", 1, 128, BS));
        }
    }

    @Test
    void closedSubUnitFailsRequestsAndReleasesBuffers() throws Exception {
        SubUnitStore store = store();
        FileSubUnit unit = store.open("lun", 2, 64, BS);
        store.close();
        assertThrows(Exception.class, () -> get(unit.write(0, in(randomBlocks(1)), false)));
        assertThrows(Exception.class, () -> {
            ByteBuf r = get(unit.read(0, 1));
            r.release();
        });
    }
}
