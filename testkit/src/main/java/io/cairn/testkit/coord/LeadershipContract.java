package io.cairn.testkit.coord;

import io.cairn.coord.cluster.Leadership;
import io.cairn.testkit.Eventually;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What every {@link Leadership} does; run against each implementation. */
public abstract class LeadershipContract {

    /** The only contender of an election of its own. */
    protected abstract Leadership contender();

    /** Whatever makes the sole contender leader: nothing where an election decides, a hand-set flag in memory. */
    protected abstract void elect(Leadership contender);

    /** The contender's process loses its coordination session. */
    protected abstract void loseSession(Leadership contender);

    /** A sole contender that was elected, with a listener that has heard it become leader. */
    private Leadership leader(List<Boolean> heard) {
        Leadership leadership = contender();
        leadership.addListener(heard::add);
        elect(leadership);
        Eventually.await("leads", leadership::isLeader);
        Eventually.await("listener told", () -> heard.equals(List.of(true)));
        return leadership;
    }

    @Test
    public void closingALeaderStopsItAndTellsListenersBeforeCloseReturns() {
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        Leadership leadership = leader(heard);
        leadership.close();
        assertFalse(leadership.isLeader());
        assertEquals(List.of(true, false), heard, "a closing leader is told it stopped before close returns");
    }

    @Test
    public void aClosedLeadershipNeverLeadsAgain() {
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        Leadership leadership = leader(heard);
        leadership.close();
        elect(leadership);
        assertFalse(leadership.isLeader());
        leadership.close(); // closing twice is harmless
        assertEquals(List.of(true, false), heard);
    }

    @Test
    public void aLeaderThatLosesItsSessionStopsLeadingAndListenersHearIt() {
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        Leadership leadership = leader(heard);
        loseSession(leadership);
        Eventually.await("told it stopped", () -> heard.size() >= 2 && !heard.get(1));
        assertEquals(List.of(true, false), heard.subList(0, 2));
    }
}
