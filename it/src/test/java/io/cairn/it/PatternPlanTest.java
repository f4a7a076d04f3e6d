package io.cairn.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cairn.it.PatternPlan.KIB;
import static io.cairn.it.PatternPlan.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatternPlanTest {

    @Test
    void finalContentTilesTheLunAndLaterWritesWin() {
        PatternPlan plan = PatternPlan.acrossSubUnits(256 * MIB, 16 * MIB);
        List<PatternPlan.Write> content = plan.finalContent();
        long expected = 0;
        for (PatternPlan.Write w : content) {
            assertEquals(expected, w.offset(), "gap or overlap at " + w);
            expected = w.end();
        }
        assertEquals(256 * MIB, expected);
        assertEquals(new PatternPlan.Write(0, 4 * KIB, 0xe0), content.get(0));
        assertEquals(new PatternPlan.Write(256 * MIB - 4 * KIB, 4 * KIB, 0xe1), content.get(content.size() - 1));
        // The 8 KiB write across the first boundary survives whole.
        assertTrue(content.contains(new PatternPlan.Write(16 * MIB - 4 * KIB, 8 * KIB, 0x81)));
    }

    @Test
    void overlappingWriteSplitsTheOlderRange() {
        PatternPlan plan = new PatternPlan(10, List.of(
                new PatternPlan.Write(0, 10, 1), new PatternPlan.Write(3, 4, 2)));
        assertEquals(List.of(new PatternPlan.Write(0, 3, 1), new PatternPlan.Write(3, 4, 2),
                new PatternPlan.Write(7, 3, 1)), plan.finalContent());
    }
}
