package io.cairn.coord.scsi;

import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.testkit.Eventually;
import io.cairn.testkit.coord.GatewayAcksContract;
import io.cairn.coord.scsi.VersionedScsiContextStore.Written;
import io.cairn.coord.ZooKeeperFixture;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.cairn.testkit.coord.ScsiContextStoreContract.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZkGatewayAcksTest extends GatewayAcksContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    /** One gateway process: its client, SCSI context store and acknowledgements, joined. */
    private record GatewayProcess(Coordination coordination, ZkScsiContextStore store, ZkGatewayAcks acks) {}

    /** Per gateway id of the contract's gateways: its client, and what its apply step waits for. */
    private final Map<String, Coordination> clients = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<CompletableFuture<Void>>> holds = new ConcurrentHashMap<>();

    private GatewayProcess process(String id) {
        Coordination coordination = zk.newCoordination();
        ZkScsiContextStore store = coordination.openScsiContextStore();
        ZkGatewayAcks acks = coordination.openGatewayAcks(store);
        acks.join(id);
        return new GatewayProcess(coordination, store, acks);
    }

    /** A gateway whose store applies each version only after the step {@link #hold} may hold back. */
    @Override
    protected Gateway gateway(String id) {
        Coordination coordination = zk.newCoordination();
        ZkScsiContextStore store = coordination.openScsiContextStore();
        AtomicReference<CompletableFuture<Void>> hold = new AtomicReference<>(CompletableFuture.completedFuture(null));
        store.addApplyStep((lun, before, after) -> hold.get());
        ZkGatewayAcks acks = coordination.openGatewayAcks(store);
        acks.join(id);
        clients.put(id, coordination);
        holds.put(id, hold);
        return new Gateway(id, store, acks);
    }

    @Override
    protected void hold(Gateway gateway) {
        holds.get(gateway.id()).set(new CompletableFuture<>());
    }

    @Override
    protected void release(Gateway gateway) {
        holds.get(gateway.id()).getAndSet(CompletableFuture.completedFuture(null)).complete(null);
    }

    /** Closing the client ends its session, and with it the gateway's ephemeral nodes. */
    @Override
    protected void stop(Gateway gateway) {
        clients.get(gateway.id()).close();
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
        Coordination silent = zk.newCoordination();
        silent.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkGatewayAcks.gatewayPath(id));
        silent.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkGatewayAcks.appliedPath(lunId, id), "0".getBytes(StandardCharsets.UTF_8));
        return silent;
    }

    @Test
    void awaitCompletesOnlyAfterEveryLiveGatewayApplied() throws Exception {
        GatewayProcess a = process("gw-a");
        GatewayProcess b = process("gw-b");
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
        GatewayProcess a = process("gw-a");
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
    void closedGatewayStopsCountingAndWithdrawsItsAcknowledgements() throws Exception {
        GatewayProcess a = process("gw-a");
        GatewayProcess b = process("gw-b");
        Written<Long> first = await(a.store().updateVersioned("lun-a", register(1)));
        await(a.acks().awaitApplied("lun-a", first.version(), LONG));
        b.coordination().close();
        assertEquals(-1, acknowledged(a.coordination(), "lun-a", "gw-b"));
        Written<Long> second = await(a.store().updateVersioned("lun-a", register(2)));
        await(a.acks().awaitApplied("lun-a", second.version(), LONG));
    }

    @Test
    void joiningGatewayAcknowledgesWhatItAlreadyHolds() throws Exception {
        GatewayProcess a = process("gw-a");
        Written<Long> written = await(a.store().updateVersioned("lun-a", register(1)));
        GatewayProcess late = process("gw-late");
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

    @Test
    void applyStepHoldsTheAcknowledgementOfItsVersionAndOfLaterOnes() throws Exception {
        GatewayProcess a = process("gw-a");
        GatewayProcess b = process("gw-b");
        CompletableFuture<Void> abortsDone = new CompletableFuture<>();
        CompletableFuture<ScsiContext[]> stepSaw = new CompletableFuture<>();
        b.store().addApplyStep((lun, before, after) -> {
            if (after.lastTaskAbort() == 0) return CompletableFuture.completedFuture(null);
            stepSaw.complete(new ScsiContext[]{before, after});
            return abortsDone;
        });
        Written<Long> registered = await(a.store().updateVersioned("lun-a", register(1)));
        await(a.acks().awaitApplied("lun-a", registered.version(), LONG));

        Written<Void> aborted = await(a.store().updateVersioned("lun-a",
                c -> new ScsiContextStore.Update<>(c.withTaskAbort(java.util.Set.of("victim")), null)));
        CompletableFuture<Void> everywhere = a.acks().awaitApplied("lun-a", aborted.version(), LONG);
        ScsiContext[] seen = await(stepSaw);
        assertEquals(0, seen[0].lastTaskAbort(), "before: the context b applied last");
        assertEquals(java.util.List.of("victim"), seen[1].taskAborts().get(0).nexusKeys());
        Written<Long> later = await(a.store().updateVersioned("lun-a", register(2)));
        CompletableFuture<Void> laterEverywhere = a.acks().awaitApplied("lun-a", later.version(), LONG);
        // b holds both versions (its local copy reads them) but acknowledges neither while its step runs
        Eventually.await("b's copy holds the later version", () -> b.store().current("lun-a").prGeneration() == 2);
        assertFalse(everywhere.isDone(), "acknowledged before the apply step finished");
        assertFalse(laterEverywhere.isDone(), "a later version acknowledged before an earlier one's step finished");
        assertTrue(acknowledged(a.coordination(), "lun-a", "gw-b") < aborted.version());

        abortsDone.complete(null);
        await(everywhere);
        await(laterEverywhere);
        assertEquals(later.version(), b.store().appliedVersion("lun-a"));
    }

    @Test
    void onlyAJoinWithNoOtherGatewayLiveIsAPowerOn() throws Exception {
        AtomicInteger powerOns = new AtomicInteger();
        Coordination first = zk.newCoordination();
        ZkGatewayAcks a = first.openGatewayAcks(first.openScsiContextStore());
        assertTrue(a.join("gw-a", powerOns::incrementAndGet), "the first gateway powers the LUs on");

        Coordination second = zk.newCoordination();
        ZkGatewayAcks b = second.openGatewayAcks(second.openScsiContextStore());
        assertFalse(b.join("gw-b", powerOns::incrementAndGet), "a gateway joining a live one is no power-on");

        a.close();
        Coordination restarted = zk.newCoordination();
        ZkGatewayAcks again = restarted.openGatewayAcks(restarted.openScsiContextStore());
        assertFalse(again.join("gw-a", powerOns::incrementAndGet), "a restart while gw-b stays up keeps the state");
        assertEquals(1, powerOns.get());

        again.close();
        b.close();
        Coordination afterAll = zk.newCoordination();
        ZkGatewayAcks c = afterAll.openGatewayAcks(afterAll.openScsiContextStore());
        assertTrue(c.join("gw-c", powerOns::incrementAndGet), "every gateway gone: the next join is a power-on");
        assertEquals(2, powerOns.get());
    }

    @Test
    void ofGatewaysJoiningTogetherExactlyOnePowersOn() throws Exception {
        int n = 3;
        AtomicInteger powerOns = new AtomicInteger();
        java.util.List<CompletableFuture<Boolean>> joins = new java.util.ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            Coordination coordination = zk.newCoordination();
            ZkGatewayAcks acks = coordination.openGatewayAcks(coordination.openScsiContextStore());
            String id = "gw-" + i;
            joins.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return acks.join(id, () -> {
                    powerOns.incrementAndGet();
                    try {
                        Thread.sleep(200); // a slow power-on: the others must still wait for it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }));
        }
        start.countDown();
        int first = 0;
        for (CompletableFuture<Boolean> join : joins) {
            if (await(join)) first++;
        }
        assertEquals(1, first);
        assertEquals(1, powerOns.get());
    }
}
