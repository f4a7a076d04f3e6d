package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void recordsSurviveReopen() throws IOException {
        Path file = dir.resolve("0.versions");
        try (VersionMap map = VersionMap.create(file, 20, 65536)) {
            map.record(3, 5, 0x0001_0000_0000_0009L, true);
            map.record(4, 4, 0x0001_0000_0000_000AL, false);
            map.force();
        }
        try (VersionMap map = VersionMap.open(file)) {
            assertEquals(20, map.entryCount());
            assertEquals(65536, map.replicationBlockBytes());
            assertEquals(0, map.version(2));
            assertEquals(9, VersionClock.counterOf(map.version(3)));
            assertEquals(10, VersionClock.counterOf(map.version(4)));
            assertTrue(map.mapped(3));
            assertFalse(map.mapped(4));
            assertTrue(map.mapped(5));
            assertFalse(map.mapped(6));
            assertEquals(0x0001_0000_0000_000AL, map.maxVersion());
        }
    }

    /** Pins format version 1 byte for byte: a later format must still read these files. */
    @Test
    void formatVersionOneIsPinned() throws IOException {
        Path file = dir.resolve("1.versions");
        try (VersionMap map = VersionMap.create(file, 10, 4096)) {
            map.record(9, 9, 0x0102030405060708L, true);
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(32 + 80 + 2, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[8];
        b.get(magic);
        assertArrayEquals("CAIRNVM1".getBytes(), magic);
        assertEquals(1, b.getInt());
        assertEquals(4096, b.getInt());
        assertEquals(10, b.getLong());
        assertEquals(0, b.getLong());
        assertEquals(0x0102030405060708L, b.getLong(32 + 72));
        assertEquals(0, bytes[32 + 80]);
        assertEquals(0b10, bytes[32 + 81]);
        assertTrue(Arrays.equals(new byte[72], Arrays.copyOfRange(bytes, 32, 104)));
    }

    @Test
    void rejectsUnknownFormat() throws IOException {
        Path file = dir.resolve("2.versions");
        VersionMap.create(file, 1, 4096).close();
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 2;
        Files.write(file, bytes);
        assertThrows(IOException.class, () -> VersionMap.open(file));
    }
}
