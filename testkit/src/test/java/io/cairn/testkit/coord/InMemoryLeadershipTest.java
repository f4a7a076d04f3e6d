package io.cairn.testkit.coord;

import io.cairn.coord.cluster.Leadership;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryLeadershipTest extends LeadershipContract {

    @Override
    protected Leadership contender() {
        return new InMemoryLeadership();
    }

    @Override
    protected void elect(Leadership contender) {
        ((InMemoryLeadership) contender).setLeader(true);
    }

    @Override
    protected void loseSession(Leadership contender) {
        ((InMemoryLeadership) contender).setLeader(false);
    }

    @Test
    void listenersHearEachChangeOnce() {
        InMemoryLeadership leadership = new InMemoryLeadership();
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        leadership.addListener(heard::add);
        assertFalse(leadership.isLeader());
        leadership.setLeader(true);
        leadership.setLeader(true);
        assertTrue(leadership.isLeader());
        leadership.setLeader(false);
        leadership.setLeader(false);
        assertEquals(List.of(true, false), heard);
        assertTrue(new InMemoryLeadership(true).isLeader(), "a leadership may start as leader");
    }
}
