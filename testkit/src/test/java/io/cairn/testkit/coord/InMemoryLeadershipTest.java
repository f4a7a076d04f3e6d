package io.cairn.testkit.coord;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryLeadershipTest {

    @Test
    void listenersHearEachChangeOnceAndCloseStepsDown() {
        InMemoryLeadership leadership = new InMemoryLeadership();
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        leadership.addListener(heard::add);
        assertFalse(leadership.isLeader());
        leadership.setLeader(true);
        leadership.setLeader(true);
        assertTrue(leadership.isLeader());
        leadership.close();
        assertFalse(leadership.isLeader());
        leadership.setLeader(true); // a closed leadership never leads again
        assertFalse(leadership.isLeader());
        assertEquals(List.of(true, false), heard);
    }
}
