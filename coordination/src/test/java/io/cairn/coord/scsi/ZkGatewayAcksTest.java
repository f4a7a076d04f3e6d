package io.cairn.coord.scsi;

import io.cairn.coord.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.Eventually;
import io.cairn.coord.scsi.VersionedScsiContextStore.Written;
import io.cairn.coord.testing.ZooKeeperHarness;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cairn.coord.scsi.ScsiContextStoreContract.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZkGatewayAcksTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static ZooKeeperHarness zk;
    private static final AtomicInteger tests = new AtomicInteger();
    private String namespace;

    @BeforeAll
    static void startServer() {
        zk = ZooKeeperHarness.start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "gateway-acks-test-" + tests.incrementAndGet();
    }

    /** One gateway process: its client, SCSI context store and acknowledgements, joined. */
    private record Gateway(Coordination coordination, ZkScsiContextStore store, ZkGatewayAcks acks) {}

    private Gateway gateway(String id) {
        Coordination coordination = zk.newCoordination(namespace);
        ZkScsiContextStore store = coordination.openScsiContextStore();
        ZkGatewayAcks acks = coordination.openGatewayAcks(store);
        acks.join(id);
        return new Gateway(coordination, store, acks);
    }

    private static long acknowledged(Coordination reader, String lunId, String gatewayId) throws Exception {
        if (reader.curator().checkExists().forPath(ZkGatewayAcks.appliedPath(lunId, gatewayId)) == null) return -1;
        return Long.parseLong(new String(reader.curator().getData()
                .forPath(ZkGatewayAcks.appliedPath(lunId, gatewayId)), StandardCharsets.UTF_8));
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** A gateway that joined by hand on its own session and never acknowledges; its session can be expired. */
    private Coordination silentGateway(String id, String lunId) throws Exception {
        Coordination silent = zk.newCoordination(namespace);
        silent.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkGatewayAcks.gatewayPath(id));
        silent.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkGatewayAcks.appliedPath(lunId, id), "0".getBytes(StandardCharsets.UTF_8));
        return silent;
    }

    @Test
    void awaitCompletesOnlyAfterEveryLiveGatewayApplied() throws Exception {
        Gateway a = gateway("gw-a");
        Gateway b = gateway("gw-b");
        CountDownLatch bMayApply = new CountDownLatch(1);
        // gateway B is slow to apply: its listener (and so its acknowledgement) waits
        b.store().addListener("lun-a", context -> {
            try {
                bMayApply.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Written<Long> written = await(a.store().updateVersioned("lun-a", register(7)));
        assertTrue(written.version() > 0);
        CompletableFuture<Void> applied = a.acks().awaitApplied("lun-a", written.version(), LONG);

        Eventually.await("gateway A acknowledged", () -> {
            try {
                return acknowledged(a.coordination(), "lun-a", "gw-a") >= written.version();
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(written.version(), a.store().appliedVersion("lun-a"));
        assertFalse(applied.isDone(), "gateway B has not applied the change yet");
        assertTrue(acknowledged(a.coordination(), "lun-a", "gw-b") < written.version());

        bMayApply.countDown();
        await(applied);
        assertTrue(acknowledged(a.coordination(), "lun-a", "gw-b") >= written.version());
        assertEquals(written.version(), b.store().appliedVersion("lun-a"));
    }

    @Test
    void gatewayWhoseSessionExpiresStopsCounting() throws Exception {
        Gateway a = gateway("gw-a");
        Coordination silent = silentGateway("gw-silent", "lun-a");
        Written<Long> written = await(a.store().updateVersioned("lun-a", register(1)));
        CompletableFuture<Void> applied = a.acks().awaitApplied("lun-a", written.version(), LONG);
        Eventually.await("gateway A acknowledged", () -> {
            try {
                return acknowledged(a.coordination(), "lun-a", "gw-a") >= written.version();
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(applied.isDone(), "the silent gateway is live and has not applied it");

        zk.expireSession(silent);
        await(applied);
    }

    @Test
    void awaitTimesOutAsUnavailableNamingTheLaggingGateway() throws Exception {
        Gateway a = gateway("gw-a");
        silentGateway("gw-silent", "lun-a");
        Written<Long> written = await(a.store().updateVersioned("lun-a", register(1)));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(a.acks().awaitApplied("lun-a", written.version(), Duration.ofMillis(300))));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage().contains("gw-silent"), e.getCause().getMessage());
        assertFalse(e.getCause().getMessage().contains("gw-a"), "gateway A did apply it: " + e.getCause().getMessage());
    }

    @Test
    void closedGatewayStopsCountingAndWithdrawsItsAcknowledgements() throws Exception {
        Gateway a = gateway("gw-a");
        Gateway b = gateway("gw-b");
        Written<Long> first = await(a.store().updateVersioned("lun-a", register(1)));
        await(a.acks().awaitApplied("lun-a", first.version(), LONG));
        b.coordination().close();
        assertEquals(-1, acknowledged(a.coordination(), "lun-a", "gw-b"));
        Written<Long> second = await(a.store().updateVersioned("lun-a", register(2)));
        await(a.acks().awaitApplied("lun-a", second.version(), LONG));
    }

    @Test
    void joiningGatewayAcknowledgesWhatItAlreadyHolds() throws Exception {
        Gateway a = gateway("gw-a");
        Written<Long> written = await(a.store().updateVersioned("lun-a", register(1)));
        Gateway late = gateway("gw-late");
        assertEquals(1, late.store().current("lun-a").prGeneration(), "join read the context");
        await(a.acks().awaitApplied("lun-a", written.version(), LONG));
        Eventually.await("late gateway acknowledged", () -> {
            try {
                return acknowledged(a.coordination(), "lun-a", "gw-late") >= written.version();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
