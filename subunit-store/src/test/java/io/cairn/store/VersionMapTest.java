package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.VersionSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionMapTest {
    @TempDir
    Path dir;

    @Test
    void anEntryReachesTheFileOnlyAfterTheDataItDescribes() throws IOException {
        Path file = dir.resolve("1.versions");
        BlockVersion v = new BlockVersion(1, 0x0001_0000_0000_0005L);
        try (VersionMap map = VersionMap.create(file, 64, 4096)) {
            map.record(7, 7, v, true);
            try (VersionMap onDisk = VersionMap.open(file)) {
                assertEquals(BlockVersion.NONE, onDisk.version(7), "recorded, not yet forced: not in the file");
            }
            boolean[] dataForced = {false};
            map.force(() -> {
                try (VersionMap onDisk = VersionMap.open(file)) {
                    assertEquals(BlockVersion.NONE, onDisk.version(7), "the data is forced before the entry is written");
                }
                dataForced[0] = true;
            });
            assertTrue(dataForced[0]);
            try (VersionMap onDisk = VersionMap.open(file)) {
                assertEquals(v, onDisk.version(7));
                assertTrue(onDisk.mapped(7));
            }
            map.force(() -> { }); // nothing changed since: nothing to write
            assertThrows(IOException.class, () -> map.force(() -> {
                throw new IOException("injected: the block file did not force");
            }));
        }
    }

    @Test
    void recordsSurviveReopen() throws IOException {
        Path file = dir.resolve("0.versions");
        BlockVersion v9 = new BlockVersion(3, 0x0001_0000_0000_0009L);
        BlockVersion v10 = new BlockVersion(3, 0x0001_0000_0000_000AL);
        try (VersionMap map = VersionMap.create(file, 20, 65536)) {
            map.record(3, 5, v9, true);
            map.record(4, 4, v10, false);
            map.force(() -> { });
        }
        try (VersionMap map = VersionMap.open(file)) {
            assertEquals(20, map.entryCount());
            assertEquals(65536, map.replicationBlockBytes());
            assertEquals(BlockVersion.NONE, map.version(2));
            assertEquals(v9, map.version(3));
            assertEquals(v10, map.version(4));
            assertTrue(map.mapped(3));
            assertFalse(map.mapped(4));
            assertTrue(map.mapped(5));
            assertFalse(map.mapped(6));
            assertEquals(v10, map.maxVersion());
            VersionSnapshot s = map.snapshot();
            assertEquals(20, s.blocks());
            assertEquals(v9, s.version(5));
            assertArrayEquals(new boolean[] {true, false, true}, Arrays.copyOfRange(s.mapped(), 3, 6));
        }
    }

    @Test
    void laterEpochIsNewerWhateverTheId() throws IOException {
        try (VersionMap map = VersionMap.create(dir.resolve("e.versions"), 4, 4096)) {
            map.record(0, 0, new BlockVersion(1, 0x0002_0000_0000_0100L), true);
            map.record(1, 1, new BlockVersion(2, 0x0001_0000_0000_0001L), true);
            assertEquals(new BlockVersion(2, 0x0001_0000_0000_0001L), map.maxVersion());
        }
    }

    @Test
    void aMapFoundOpenAfterACrashSaysForGoodThatHolesMayBeStale() throws IOException {
        Path file = dir.resolve("2.versions");
        try (VersionMap map = VersionMap.create(file, 10, 4096)) {
            map.markClean();
            assertFalse(map.staleHoles());
        }
        try (VersionMap map = VersionMap.open(file)) {
            assertFalse(map.staleHoles(), "the last run closed it cleanly");
            // a crash: never marked clean
        }
        try (VersionMap map = VersionMap.open(file)) {
            assertTrue(map.staleHoles(), "found open: a lost write's data may be in the block file");
            map.markClean();
        }
        try (VersionMap map = VersionMap.open(file)) {
            assertTrue(map.staleHoles(), "for good");
            assertEquals(VersionMap.OPEN | VersionMap.STALE_HOLES, ByteBuffer.wrap(Files.readAllBytes(file)).getLong(24));
        }
    }

    /**
     * On a disk whose private mappings copy at once (PowerCutDisk; Linux copies a page only when it
     * is first written), a mapping's copy of the header is as old as the mapping: writing back the
     * header's page must not carry it over the flags.
     */
    @Test
    void forcingEntriesInTheFirstPageLeavesTheFlagsAlone() throws IOException {
        io.cairn.store.disk.PowerCutDisk disk = new io.cairn.store.disk.PowerCutDisk();
        Path file = Path.of("/flags/3.versions");
        disk.createDirectories(file.getParent());
        try (VersionMap map = VersionMap.create(disk, file, 10, 4096)) {
            map.markClean();
        }
        try (VersionMap map = VersionMap.open(disk, file)) { // maps the file (flags: clean), then marks it open
            map.record(0, 0, new BlockVersion(1, 0x0001_0000_0000_0001L), true); // dirties the header's page
            map.force(() -> { });
            try (var f = disk.open(file)) {
                assertEquals(VersionMap.OPEN, f.readFully(24, 8).getLong(),
                        "the page written back must not carry the mapping's old copy of the flags");
            }
        } // a crash: not marked clean
        try (VersionMap map = VersionMap.open(disk, file)) {
            assertTrue(map.staleHoles(), "found open");
        }
    }

    /** Pins format version 2 byte for byte: a later format must still read these files. */
    @Test
    void formatVersionTwoIsPinned() throws IOException {
        Path file = dir.resolve("1.versions");
        try (VersionMap map = VersionMap.create(file, 10, 4096)) {
            map.record(9, 9, new BlockVersion(0x1112131415161718L, 0x0102030405060708L), true);
            map.force(() -> { });
            assertEquals(VersionMap.OPEN, ByteBuffer.wrap(Files.readAllBytes(file)).getLong(24), "flags: open");
            map.markClean();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(32 + 160 + 2, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[8];
        b.get(magic);
        assertArrayEquals("CAIRNVM1".getBytes(), magic);
        assertEquals(2, b.getInt());
        assertEquals(4096, b.getInt());
        assertEquals(10, b.getLong());
        assertEquals(0, b.getLong(), "flags: closed cleanly, no stale holes");
        assertEquals(0x1112131415161718L, b.getLong(32 + 144));
        assertEquals(0x0102030405060708L, b.getLong(32 + 152));
        assertEquals(0, bytes[32 + 160]);
        assertEquals(0b10, bytes[32 + 161]);
        assertTrue(Arrays.equals(new byte[144], Arrays.copyOfRange(bytes, 32, 176)));
    }

    /**
     * Pins format version 1 (single-node releases): a hand-built file is read with epoch 0, keeps
     * its mapped bits, and is upgraded in place to format 2.
     */
    @Test
    void formatVersionOneIsReadAsEpochZeroAndUpgraded() throws IOException {
        Path file = dir.resolve("old.versions");
        ByteBuffer b = ByteBuffer.allocate(32 + 8 * 10 + 2);
        b.put("CAIRNVM1".getBytes()).putInt(1).putInt(4096).putLong(10).putLong(0);
        b.putLong(32 + 8 * 2, 0x0007_0000_0000_0005L);
        b.putLong(32 + 8 * 9, 0x0007_0000_0000_0009L);
        b.put(32 + 80, (byte) 0b0000_0100);
        b.put(32 + 81, (byte) 0b10);
        Files.write(file, b.array());
        try (VersionMap map = VersionMap.open(file)) {
            assertEquals(10, map.entryCount());
            assertEquals(4096, map.replicationBlockBytes());
            assertEquals(new BlockVersion(0, 0x0007_0000_0000_0005L), map.version(2));
            assertEquals(new BlockVersion(0, 0x0007_0000_0000_0009L), map.version(9));
            assertEquals(BlockVersion.NONE, map.version(3));
            assertTrue(map.mapped(2));
            assertTrue(map.mapped(9));
            assertFalse(map.mapped(3));
            map.record(3, 3, new BlockVersion(1, 1), true);
            map.force(() -> { });
        }
        byte[] upgraded = Files.readAllBytes(file);
        assertEquals(32 + 160 + 2, upgraded.length);
        assertEquals(2, ByteBuffer.wrap(upgraded).getInt(8));
        assertFalse(Files.exists(dir.resolve("old.versions.upgrade")));
        try (VersionMap map = VersionMap.open(file)) {
            assertEquals(new BlockVersion(0, 0x0007_0000_0000_0009L), map.version(9));
            assertEquals(new BlockVersion(1, 1), map.version(3));
            assertTrue(map.mapped(2));
        }
    }

    @Test
    void rejectsUnknownFormat() throws IOException {
        Path file = dir.resolve("2.versions");
        VersionMap.create(file, 1, 4096).close();
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 3;
        Files.write(file, bytes);
        assertThrows(IOException.class, () -> VersionMap.open(file));
    }
}
