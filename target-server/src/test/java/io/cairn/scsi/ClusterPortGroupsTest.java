package io.cairn.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.coord.cluster.PortGroupRecord;
import io.cairn.coord.cluster.PortGroupRegistry;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.coord.InMemoryPortGroupRegistry;
import io.cairn.scsi.PortGroups.PortGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ClusterPortGroupsTest {

    private static final ItNexus VIA_1 = new ItNexus("iqn.h,i,0x1", "iqn.t,t,0x0001", 1, 1);
    /** Every gateway's groups; each test's gateways share it as they would share ZooKeeper. */
    private final InMemoryPortGroupRegistry shared = new InMemoryPortGroupRegistry();

    private PortGroupRegistry registry() {
        return shared.process();
    }

    private static void await(String what, BooleanSupplier condition) {
        Eventually.await(what, condition);
    }

    @Test
    void reportsEveryGatewaysGroupAndNotifiesOnlyForOthers() {
        PortGroupRegistry r1 = registry();
        PortGroupRegistry r2 = registry();
        ClusterPortGroups one = new ClusterPortGroups(r1, "gateway-1", 1, 1);
        AtomicInteger changes = new AtomicInteger();
        one.onChange(changes::incrementAndGet);
        one.publish(AluaState.ACTIVE_OPTIMIZED);
        ClusterPortGroups two = new ClusterPortGroups(r2, "gateway-2", 2, 2);
        two.publish(AluaState.ACTIVE_OPTIMIZED);

        List<PortGroup> both = List.of(new PortGroup(1, AluaState.ACTIVE_OPTIMIZED, 1),
                new PortGroup(2, AluaState.ACTIVE_OPTIMIZED, 2));
        await("gateway 1 sees gateway 2", () -> one.groups(VIA_1).equals(both));
        await("gateway 2's join is a change for gateway 1", () -> changes.get() == 1);
        assertEquals(AluaState.ACTIVE_OPTIMIZED, one.stateOf(2));
        assertEquals(AluaState.UNAVAILABLE, one.stateOf(9), "a group nobody holds admits nothing");

        two.publish(AluaState.TRANSITIONING);
        await("gateway 1 sees the transition", () -> one.stateOf(2) == AluaState.TRANSITIONING);
        await("and was told", () -> changes.get() == 2);
        one.publish(AluaState.TRANSITIONING);
        assertEquals(AluaState.TRANSITIONING, one.stateOf(1), "own state holds at once");
        // watch events arrive in ZooKeeper's order: once gateway 2's next change is heard, a wrongly
        // notified own change (written before it) would have been counted too
        two.publish(AluaState.UNAVAILABLE);
        await("gateway 2's next change heard", () -> one.stateOf(2) == AluaState.UNAVAILABLE);
        await("and told", () -> changes.get() >= 3);
        assertEquals(3, changes.get(), "its own state change is not a change elsewhere");
        r2.close();
        r1.close();
    }

    @Test
    void leaveGoesTransitioningThenUnavailableAndOthersSeeBothInOrder() throws InterruptedException {
        PortGroupRegistry watcher = registry();
        List<String> seen = new CopyOnWriteArrayList<>();
        watcher.addListener(g -> watcher.groups().stream().filter(r -> r.gatewayId().equals("gateway-3"))
                .map(PortGroupRecord::state).findFirst().ifPresentOrElse(seen::add, () -> seen.add("GONE")));
        PortGroupRegistry own = registry();
        ClusterPortGroups three = new ClusterPortGroups(own, "gateway-3", 3, 3);
        three.publish(AluaState.ACTIVE_OPTIMIZED);
        three.leave(Duration.ofMillis(300));
        assertEquals(AluaState.UNAVAILABLE, three.stateOf(3));
        own.close(); // the close sequence closes the registry after the listener: the group is withdrawn
        await("every step seen", () -> seen.size() == 4);
        assertEquals(List.of("ACTIVE_OPTIMIZED", "TRANSITIONING", "UNAVAILABLE", "GONE"), seen);
        watcher.close();
    }
}
