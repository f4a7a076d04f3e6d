package io.cairn.testkit.coord;

import io.cairn.coord.cluster.PortGroupRecord;
import io.cairn.coord.cluster.PortGroupRegistry;
import io.cairn.testkit.Eventually;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link PortGroupRegistry} does; run against each implementation. */
public abstract class PortGroupRegistryContract {

    /** A new gateway process's registry over the state shared by every process of this test. */
    protected abstract PortGroupRegistry process();

    protected static PortGroupRecord group(int n, String state) {
        return new PortGroupRecord("gateway-" + n, n, n, state);
    }

    @Test
    public void everyGatewaySeesEveryGroupOrderedByGroupId() {
        PortGroupRegistry a = process();
        PortGroupRegistry b = process();
        b.publish(group(3, "ACTIVE_OPTIMIZED"));
        a.publish(group(1, "ACTIVE_OPTIMIZED"));
        assertTrue(a.groups().contains(group(1, "ACTIVE_OPTIMIZED")), "publish returns once the own copy shows it");
        List<PortGroupRecord> both = List.of(group(1, "ACTIVE_OPTIMIZED"), group(3, "ACTIVE_OPTIMIZED"));
        Eventually.await("A sees both", () -> a.groups().equals(both));
        Eventually.await("B sees both", () -> b.groups().equals(both));
        a.close();
        b.close();
    }

    @Test
    public void stateChangesAndWithdrawalReachOthersAndTheirListeners() {
        PortGroupRegistry a = process();
        a.publish(group(1, "ACTIVE_OPTIMIZED"));
        PortGroupRegistry b = process();
        List<String> seenByB = new CopyOnWriteArrayList<>();
        b.addListener(seenByB::add);
        assertEquals(List.of(group(1, "ACTIVE_OPTIMIZED")), b.groups(), "primed on open");
        assertEquals(List.of(), seenByB, "the state found when opening is not a change");

        a.publish(group(1, "TRANSITIONING"));
        Eventually.await("B sees TRANSITIONING", () -> b.groups().equals(List.of(group(1, "TRANSITIONING"))));
        a.publish(group(1, "UNAVAILABLE"));
        Eventually.await("B sees UNAVAILABLE", () -> b.groups().equals(List.of(group(1, "UNAVAILABLE"))));
        a.withdraw("gateway-1");
        Eventually.await("B sees A gone", () -> b.groups().isEmpty());
        Eventually.await("B's listener heard every step", () -> seenByB.size() == 3);
        assertEquals(List.of("gateway-1", "gateway-1", "gateway-1"), seenByB);
        a.close();
        b.close();
    }

    @Test
    public void closingWithdrawsWhatThisProcessPublishedOnly() {
        PortGroupRegistry a = process();
        PortGroupRegistry b = process();
        a.publish(group(2, "TRANSITIONING"));
        b.publish(group(4, "ACTIVE_OPTIMIZED"));
        Eventually.await("B sees both", () -> b.groups().size() == 2);
        a.close();
        Eventually.await("closing withdraws A's", () -> b.groups().equals(List.of(group(4, "ACTIVE_OPTIMIZED"))));
        b.close();
    }
}
