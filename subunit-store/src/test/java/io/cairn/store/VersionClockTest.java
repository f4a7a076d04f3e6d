package io.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionClockTest {
    @TempDir
    Path dir;

    @Test
    void idsCarryTheNodeAndIncrease() throws IOException {
        try (VersionClock clock = VersionClock.open(dir.resolve("clock"), 0xBEEF, 3)) {
            long previous = 0;
            for (int i = 0; i < 10; i++) {
                long id = clock.next();
                assertEquals(0xBEEF, VersionClock.nodeOf(id));
                assertTrue(VersionClock.counterOf(id) > VersionClock.counterOf(previous));
                assertTrue(VersionClock.counterOf(id) > 0, "counter 0 means never written");
                previous = id;
            }
        }
    }

    @Test
    void neverRepeatsAfterCrashWithoutClose() throws IOException {
        Path file = dir.resolve("clock");
        Set<Long> seen = new HashSet<>();
        long max = 0;
        VersionClock crashed = VersionClock.open(file, 1, 4);
        for (int i = 0; i < 10; i++) { // crosses two reservations
            long id = crashed.next();
            seen.add(id);
            max = Math.max(max, id);
        }
        // no close(): the next instance sees only what the first one made durable
        try (VersionClock next = VersionClock.open(file, 1, 4)) {
            for (int i = 0; i < 10; i++) {
                long id = next.next();
                assertTrue(id > max, "id " + id + " not above " + max);
                assertTrue(seen.add(id));
            }
        }
        crashed.close();
    }

    @Test
    void formatIsPinned() throws IOException {
        Path file = dir.resolve("clock");
        try (VersionClock clock = VersionClock.open(file, 2, 100)) {
            clock.next();
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertEquals(16, b.remaining());
        assertEquals(0x43564B31, b.getInt());
        assertEquals(1, b.getInt());
        assertEquals(101, b.getLong()); // first reservation from counter 1, batch 100
    }

    @Test
    void rejectsForeignFilesAndBadNodeIds() throws IOException {
        Path file = dir.resolve("junk");
        Files.write(file, new byte[16]);
        assertThrows(IOException.class, () -> VersionClock.open(file, 1));
        assertThrows(IllegalArgumentException.class, () -> VersionClock.open(dir.resolve("c"), 0x10000));
    }
}
