package io.cairn.store.oplog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import io.cairn.store.oplog.ChangeCursors.PendingExtent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeCursorsTest {
    @TempDir
    Path dir;

    @Test
    void nothingIsKeptUntilACursorExistsThenEveryChangedExtentIsListedPerCursor() throws IOException {
        ChangeCursors c = ChangeCursors.open(Disk.local(), dir);
        assertFalse(c.active());
        c.noted("a/0", 0, 10);
        c.register("osaka");
        assertTrue(c.active());
        assertEquals(List.of(), c.pending("osaka"), "changes before the cursor are the initial copy's");
        c.noted("a/0", 250, 260); // extents 0 and 1
        c.register("seoul");
        c.noted("b/3", 1024, 1024); // extent 4
        assertEquals(List.of("a/0#0", "a/0#1", "b/3#4"), names(c.pending("osaka")));
        assertEquals(List.of("b/3#4"), names(c.pending("seoul")));
        assertThrows(IllegalArgumentException.class, () -> c.pending("nowhere"));
        assertThrows(IllegalArgumentException.class, () -> c.register("../x"));
        assertThrows(IllegalArgumentException.class, () -> c.register(""));
    }

    @Test
    void anExtentShippedAsOfItsStampGoesUnlessItChangedAgain() throws IOException {
        ChangeCursors c = ChangeCursors.open(Disk.local(), dir);
        c.register("osaka");
        c.noted("a/0", 0, 0);
        c.noted("a/0", 300, 300);
        List<PendingExtent> listed = c.pending("osaka");
        c.noted("a/0", 310, 310); // extent 1 changes again after the list was taken
        assertTrue(c.shipped("osaka", listed.get(0)));
        assertFalse(c.shipped("osaka", listed.get(1)), "a newer change stays owed");
        assertEquals(List.of("a/0#1"), names(c.pending("osaka")));
        assertTrue(c.shipped("osaka", c.pending("osaka").get(0)));
        assertEquals(List.of(), c.pending("osaka"));
    }

    @Test
    void cursorsSurviveAReopenWithTheirExtentsAndStampsMoveOnAboveThem() throws IOException {
        ChangeCursors c = ChangeCursors.open(Disk.local(), dir);
        c.register("osaka");
        c.noted("a/0", 0, 0);
        c.noted("a/1", 512, 767); // extents 2
        c.persist();
        c.noted("a/9", 0, 0); // not persisted: a crash loses it here (the log still has its record)
        ChangeCursors again = ChangeCursors.open(Disk.local(), dir);
        List<PendingExtent> listed = again.pending("osaka");
        assertEquals(List.of("a/0#0", "a/1#2"), names(listed));
        again.noted("a/0", 0, 0);
        long newest = again.pending("osaka").get(0).stamp();
        assertTrue(newest > listed.get(1).stamp(), "a stamp after reopening is newer than every stamp before");
        assertFalse(again.shipped("osaka", listed.get(0)), "shipped as of an old stamp, changed since");
    }

    @Test
    void removeDeletesTheFileALeftoverTempFileIsDroppedAndACorruptFileFailsTheOpenNamingIt() throws IOException {
        ChangeCursors c = ChangeCursors.open(Disk.local(), dir);
        c.register("osaka");
        c.register("seoul");
        assertTrue(Files.exists(dir.resolve("seoul.pending")));
        c.remove("seoul");
        assertFalse(Files.exists(dir.resolve("seoul.pending")));
        assertEquals(List.of("osaka"), c.names());
        Files.write(dir.resolve("osaka.pending.tmp"), new byte[] {1, 2, 3});
        assertEquals(List.of("osaka"), ChangeCursors.open(Disk.local(), dir).names());
        assertFalse(Files.exists(dir.resolve("osaka.pending.tmp")));
        try (DiskFile f = Disk.local().open(dir.resolve("osaka.pending"))) {
            f.writeFully(ByteBuffer.wrap(new byte[] {(byte) 0xff}), 20);
        }
        IOException e = assertThrows(IOException.class, () -> ChangeCursors.open(Disk.local(), dir));
        assertTrue(e.getMessage().contains("osaka.pending") && e.getMessage().contains("checksum"), e.getMessage());
    }

    private static List<String> names(List<PendingExtent> extents) {
        return extents.stream().map(e -> e.subUnit() + "#" + e.extent()).toList();
    }
}
