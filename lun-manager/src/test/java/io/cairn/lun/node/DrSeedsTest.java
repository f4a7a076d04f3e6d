package io.cairn.lun.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrSeedsTest {
    @TempDir
    Path dir;

    @Test
    void seedsSurviveAReopenAndTheLastNodeForASubUnitCounts() throws IOException {
        Path file = dir.resolve("dr-seeds");
        DrSeeds seeds = DrSeeds.open(file);
        assertEquals(DrSeeds.HEADER + "\n", Files.readString(file), "created with its header");
        seeds.add(List.of(new DrSeeds.Seed("osaka", "db/0", 4), new DrSeeds.Seed("nagoya", "db/0", 5)));
        seeds.add(List.of(new DrSeeds.Seed("osaka", "db/0", 7))); // re-placed DR copy
        DrSeeds again = DrSeeds.open(file);
        assertTrue(again.has("osaka", "db/0", 7));
        assertFalse(again.has("osaka", "db/0", 4), "a re-placed DR copy needs a new seed");
        assertTrue(again.has("nagoya", "db/0", 5));
        assertFalse(again.has("nagoya", "db/1", 5));
        assertEquals(2, again.size());
    }

    @Test
    void aTornLastLineIsIgnoredAndDroppedAnyOtherBadLineRefusesTheFile() throws IOException {
        Path file = dir.resolve("dr-seeds");
        DrSeeds.open(file).add(List.of(new DrSeeds.Seed("osaka", "db/0", 4)));
        Files.writeString(file, Files.readString(file) + "osaka db/1 4"); // crash mid-append: no newline
        DrSeeds torn = DrSeeds.open(file);
        assertTrue(torn.has("osaka", "db/0", 4));
        assertFalse(torn.has("osaka", "db/1", 4), "a torn seed record is not taken for a seed");
        assertEquals(DrSeeds.HEADER + "\nosaka db/0 4\n", Files.readString(file), "the torn tail is dropped");

        Files.writeString(file, DrSeeds.HEADER + "\nosaka db/0 4\nosaka db/1\nosaka db/2 4\n");
        IOException bad = assertThrows(IOException.class, () -> DrSeeds.open(file));
        assertTrue(bad.getMessage().contains("line 3"), bad.getMessage());
        Files.writeString(file, "something else\n");
        assertThrows(IOException.class, () -> DrSeeds.open(file), "not a seed file");
        assertThrows(IllegalArgumentException.class,
                () -> DrSeeds.open(dir.resolve("other")).add(List.of(new DrSeeds.Seed("Osaka", "db/0", 4))));
    }

    @Test
    void aFileOfMostlySupersededLinesIsCompactedAtOpen() throws IOException {
        Path file = dir.resolve("dr-seeds");
        DrSeeds seeds = DrSeeds.open(file);
        for (int node = 1; node <= 200; node++) {
            List<DrSeeds.Seed> batch = new ArrayList<>();
            batch.add(new DrSeeds.Seed("osaka", "db/0", node));
            seeds.add(batch);
        }
        assertEquals(201, Files.readAllLines(file).size());
        DrSeeds compacted = DrSeeds.open(file);
        assertEquals(List.of(DrSeeds.HEADER, "osaka db/0 200"), Files.readAllLines(file));
        assertTrue(compacted.has("osaka", "db/0", 200));
    }
}
