package io.cairn.scsi;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.cluster.PortGroupRecord;
import io.cairn.coord.cluster.PortGroupRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCSI core's view of every gateway's target port group, over coordination's port-group
 * registry ({@link PortGroupRegistry}). This gateway's own state is held here and is authoritative at once for the ALUA check
 * of its own ports; the others' come from the watched registry.
 *
 * <p>Leaving ({@link #leave}), run by the close sequence before the iSCSI listener closes:
 * <ol>
 *   <li>publish TRANSITIONING (acknowledged by ZooKeeper before going on): commands through this
 *       gateway's ports end NOT READY, ASYMMETRIC ACCESS STATE TRANSITION (SPC-4 5.16.2.5), and
 *       every other gateway raises ASYMMETRIC ACCESS STATE CHANGED, so hosts re-read REPORT TARGET
 *       PORT GROUPS and move I/O to the other paths;</li>
 *   <li>drain ({@code drain}, 2 s in a gateway): commands already admitted finish, hosts retry on
 *       the other paths;</li>
 *   <li>publish UNAVAILABLE (SPC-4 5.16.2.4.5): from here no medium access is admitted at all;</li>
 *   <li>the caller then closes the listener and its sessions, and closing the registry withdraws
 *       the group, so the survivors report only their own groups.</li>
 * </ol>
 * A killed gateway skips all of this: its group goes when its ZooKeeper session expires.
 */
public final class ClusterPortGroups implements PortGroups {

    private static final Logger log = LoggerFactory.getLogger(ClusterPortGroups.class);

    private final PortGroupRegistry registry;
    private final String gatewayId;
    private final int groupId;
    private final int relativePortId;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile AluaState own = AluaState.ACTIVE_OPTIMIZED;

    public ClusterPortGroups(PortGroupRegistry registry, String gatewayId, int groupId, int relativePortId) {
        this.registry = registry;
        this.gatewayId = gatewayId;
        this.groupId = groupId;
        this.relativePortId = relativePortId;
        registry.addListener(changed -> {
            if (!changed.equals(gatewayId)) { // our own state is reported through our ports' ALUA check
                listeners.forEach(Runnable::run);
            }
        });
    }

    /** Sets this gateway's state here first, then in ZooKeeper; returns once ZooKeeper holds it. */
    public void publish(AluaState state) {
        own = state;
        registry.publish(new PortGroupRecord(gatewayId, groupId, relativePortId, state.name()));
        log.info("target port group {} of {} is {}", groupId, gatewayId, state);
    }

    /** The graceful leave sequence of the class comment, up to closing the listener. */
    public void leave(Duration drain) throws InterruptedException {
        try {
            publish(AluaState.TRANSITIONING);
        } catch (CoordinationUnavailableException e) {
            // Without a session nobody can be told, and the group already went with the session:
            // admit nothing more here and let the close sequence go on at once.
            own = AluaState.UNAVAILABLE;
            log.warn("leaving without announcing it: {}", e.getMessage());
            return;
        }
        Thread.sleep(drain.toMillis());
        publish(AluaState.UNAVAILABLE);
    }

    @Override
    public List<PortGroup> groups(ItNexus asking) {
        List<PortGroup> all = new ArrayList<>();
        for (PortGroupRecord r : registry.groups()) {
            if (!r.gatewayId().equals(gatewayId)) {
                all.add(new PortGroup(r.groupId(), stateNamed(r.state()), r.relativePortId()));
            }
        }
        all.add(new PortGroup(groupId, own, relativePortId));
        all.sort(Comparator.comparingInt(PortGroup::id));
        return all;
    }

    @Override
    public AluaState stateOf(int group) {
        if (group == groupId) {
            return own;
        }
        for (PortGroupRecord r : registry.groups()) {
            if (r.groupId() == group) {
                return stateNamed(r.state());
            }
        }
        return AluaState.UNAVAILABLE; // a port of a group no gateway holds any more admits nothing
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** A state this version does not know (a newer gateway's) is treated as admitting nothing. */
    private static AluaState stateNamed(String name) {
        try {
            return AluaState.valueOf(name);
        } catch (IllegalArgumentException e) {
            return AluaState.UNAVAILABLE;
        }
    }
}
