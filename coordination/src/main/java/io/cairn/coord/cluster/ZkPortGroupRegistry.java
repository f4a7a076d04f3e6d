package io.cairn.coord.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.coord.session.ZkSession;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.znode.ZNodeMirror;
import io.cairn.coord.znode.ZNodeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.recipes.nodes.PersistentNode;

/**
 * The target port group and asymmetric access state of every live gateway (SPC-4 5.16, implicit
 * ALUA), so that REPORT TARGET PORT GROUPS answers the same on every gateway. Each gateway holds an
 * ephemeral {@code /port-groups/<gatewayId>} with its {@link PortGroupRecord} as JSON: a killed
 * gateway drops out when its session expires; a gateway that leaves gracefully first publishes
 * TRANSITIONING, then UNAVAILABLE, then withdraws. Reads come from a watched local copy (no I/O on
 * the SCSI command path).
 */
public final class ZkPortGroupRegistry extends ZNodeStore implements PortGroupRegistry {

    private static final String BASE = "/port-groups";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private final GatewayNodes mine;
    private final ZNodeMirror<PortGroupRecord> mirror;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    /** Changes seen while priming are the starting state, not changes. */
    private volatile boolean primed;

    private ZkPortGroupRegistry(ZkSession session) {
        super(session);
        this.mine = new GatewayNodes(curator, BASE);
        this.mirror = watch(BASE, mine::gatewayOf, ZkPortGroupRegistry::decode, (gateway, entry) -> changed(gateway));
    }

    public static ZkPortGroupRegistry open(ZkSession session) {
        ZkPortGroupRegistry r = new ZkPortGroupRegistry(session);
        r.prime();
        r.primed = true;
        return r;
    }

    static byte[] encode(PortGroupRecord group) {
        try {
            return JSON.writeValueAsBytes(group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PortGroupRecord decode(byte[] bytes) {
        try {
            return JSON.readValue(bytes, PortGroupRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Called on the watch thread with the gateway id whenever a gateway's group appears, changes
     * state or disappears after this registry was opened (including this process's own writes).
     */
    @Override
    public void addListener(Consumer<String> onChange) {
        listeners.add(Objects.requireNonNull(onChange));
    }

    /**
     * Publishes (or replaces) this gateway's group and waits until ZooKeeper holds it and this
     * registry's copy shows it, so what follows (closing a listener, draining) happens after every
     * other gateway can see it. The node is ephemeral and re-created after a new session.
     *
     * @throws CoordinationUnavailableException without a session, or if ZooKeeper did not take it within 10 s
     */
    @Override
    public void publish(PortGroupRecord group) {
        if (!session.isConnected()) { // fail fast: a leaving gateway must not wait out the timeout
            throw new CoordinationUnavailableException("no ZooKeeper session to publish the port group of "
                    + group.gatewayId(), null);
        }
        byte[] data = encode(group);
        PersistentNode node = mine.held(group.gatewayId());
        try {
            if (node == null) {
                node = mine.start(group.gatewayId(), data);
                if (!node.waitForInitialCreate(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    GatewayNodes.closeQuietly(node);
                    throw new CoordinationUnavailableException("could not publish the port group of "
                            + group.gatewayId(), null);
                }
                mine.hold(group.gatewayId(), node);
            } else {
                node.setData(data);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationUnavailableException("interrupted publishing the port group of "
                    + group.gatewayId(), e);
        } catch (CoordinationUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new CoordinationUnavailableException("could not publish the port group of " + group.gatewayId(), e);
        }
        awaitSeen(group);
    }

    /** PersistentNode writes in the background: the watch reporting it back is the acknowledgement. */
    private void awaitSeen(PortGroupRecord group) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!group.equals(valueOf(group.gatewayId()))) {
            if (System.nanoTime() > deadline) {
                throw new CoordinationUnavailableException("port group of " + group.gatewayId()
                        + " not acknowledged within " + WAIT, null);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoordinationUnavailableException("interrupted publishing " + group.gatewayId(), e);
            }
        }
    }

    private PortGroupRecord valueOf(String gatewayId) {
        ZNodeMirror.Entry<PortGroupRecord> e = mirror.get(gatewayId);
        return e == null ? null : e.value();
    }

    /** Deletes this gateway's group: it no longer presents anything. */
    @Override
    public void withdraw(String gatewayId) {
        mine.release(gatewayId);
    }

    /** Every live gateway's group, ordered by group id then gateway id. No I/O. */
    @Override
    public List<PortGroupRecord> groups() {
        return mirror.entries().values().stream().map(ZNodeMirror.Entry::value).filter(Objects::nonNull)
                .sorted(Comparator.comparingInt(PortGroupRecord::groupId).thenComparing(PortGroupRecord::gatewayId))
                .toList();
    }

    private void changed(String gatewayId) {
        if (!primed) return;
        for (Consumer<String> l : listeners) {
            l.accept(gatewayId);
        }
    }

    @Override
    public void close() {
        mine.close();
        super.close();
    }
}
