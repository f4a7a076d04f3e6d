package io.cairn.coord.cluster;

import io.cairn.coord.client.Coordination;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.coord.LeadershipContract;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZkLeadershipTest extends LeadershipContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    /** One contender: its own client, its own leadership, and everything its listener heard. */
    private record Contender(Coordination coordination, Leadership leadership, List<Boolean> heard) {}

    private final Map<Leadership, Coordination> owners = new ConcurrentHashMap<>();

    /** The only contender in this test's namespace: it leads as soon as its latch says so. */
    @Override
    protected Leadership contender() {
        Coordination coordination = zk.newCoordination();
        Leadership leadership = coordination.openLeadership("control-plane", "solo");
        owners.put(leadership, coordination);
        return leadership;
    }

    /** The election decides. */
    @Override
    protected void elect(Leadership contender) {
    }

    @Override
    protected void loseSession(Leadership contender) {
        zk.expireSession(owners.get(contender));
    }

    private Contender contenderNamed(String id) {
        Coordination coordination = zk.newCoordination();
        Leadership leadership = coordination.openLeadership("control-plane", id);
        List<Boolean> heard = new CopyOnWriteArrayList<>();
        leadership.addListener(heard::add);
        return new Contender(coordination, leadership, heard);
    }

    /** Waits until exactly one of the two leads, and returns it. */
    private static Contender leaderOf(Contender a, Contender b) {
        Eventually.await("one leader", () -> a.leadership().isLeader() != b.leadership().isLeader());
        return a.leadership().isLeader() ? a : b;
    }

    @Test
    void exactlyOneLeadsAndTheOtherTakesOverWhenItCloses() {
        Contender a = contenderNamed("gw-a");
        Contender b = contenderNamed("gw-b");
        Contender leader = leaderOf(a, b);
        Contender follower = leader == a ? b : a;
        Eventually.await("leader told", () -> leader.heard().equals(List.of(true)));
        assertEquals(List.of(), follower.heard());

        leader.leadership().close();
        assertFalse(leader.leadership().isLeader());
        assertEquals(List.of(true, false), leader.heard(), "a closing leader is told it stopped before close returns");
        Eventually.await("follower took over", () -> follower.leadership().isLeader());
        Eventually.await("follower told", () -> follower.heard().equals(List.of(true)));
    }

    @Test
    void leaderWhoseSessionExpiresStopsAndTheOtherTakesOver() {
        Contender a = contenderNamed("gw-a");
        Contender b = contenderNamed("gw-b");
        Contender leader = leaderOf(a, b);
        Contender follower = leader == a ? b : a;
        Eventually.await("leader told", () -> leader.heard().equals(List.of(true)));

        zk.expireSession(leader.coordination());
        Eventually.await("old leader told it stopped", () -> leader.heard().equals(List.of(true, false)));
        Eventually.await("follower took over", () -> follower.leadership().isLeader());
        // the old leader rejoins on its new session, behind the new leader
        Eventually.await("old leader reconnected", () -> leader.coordination().isConnected());
        assertFalse(leader.leadership().isLeader());
        assertTrue(follower.leadership().isLeader());
    }

    @Test
    void leaderStopsWhileZooKeeperIsUnreachable() {
        Contender a = contenderNamed("gw-a");
        Contender b = contenderNamed("gw-b");
        Contender leader = leaderOf(a, b);
        Eventually.await("leader told", () -> leader.heard().equals(List.of(true)));
        zk.stopServer();
        try {
            // fail closed: nobody may act as leader while it cannot tell whether it still is
            Eventually.await("leader told it stopped", () -> leader.heard().equals(List.of(true, false)));
            assertFalse(a.leadership().isLeader());
            assertFalse(b.leadership().isLeader());
        } finally {
            zk.startServer();
        }
        Contender next = leaderOf(a, b);
        Eventually.await("new leader told", () -> next.heard().get(next.heard().size() - 1));
    }

    @Test
    void groupsAreIndependentAndNamesAreChecked() {
        Coordination coordination = zk.newCoordination();
        Leadership one = coordination.openLeadership("control-plane", "n1");
        Leadership other = coordination.openLeadership("resync-scheduler", "n1");
        assertNotSame(one, other);
        Eventually.await("leads both", () -> one.isLeader() && other.isLeader());
        assertThrows(IllegalArgumentException.class, () -> coordination.openLeadership("a/b", "n1"));
    }
}
