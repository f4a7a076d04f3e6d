package io.cairn.coord.scsi;

import io.cairn.testkit.coord.ScsiContextStoreContract;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.testkit.Eventually;
import io.cairn.coord.SessionState;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZkScsiContextStoreTest extends ScsiContextStoreContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Override
    protected ScsiContextStore store() {
        return zk.newCoordination().openScsiContextStore();
    }

    @Override
    protected ScsiContextStore peer() {
        return zk.newCoordination().openScsiContextStore();
    }

    @Test
    void storedDocumentIsVersionedJsonAtTheLunsPath() throws Exception {
        Coordination coordination = zk.newCoordination();
        await(coordination.openScsiContextStore().update("lun-a", register(0x10)));
        byte[] stored = coordination.curator().getData().forPath("/luns/lun-a/scsi-context");
        var json = new ObjectMapper().readTree(stored);
        assertEquals(1, json.get("format").asInt());
        assertEquals(1, json.get("prGeneration").asLong());
        assertEquals(16, json.get("registrations").get(0).get("key").asLong());
    }

    @Test
    void updateEverywhereCompletesOnlyAfterThisProcessRanItsApplySteps() throws Exception {
        ScsiContextStore store = zk.newCoordination().openScsiContextStore();
        java.util.concurrent.CompletableFuture<Void> step = new java.util.concurrent.CompletableFuture<>();
        java.util.List<ScsiContext> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.addApplyStep((lun, before, after) -> {
            seen.add(after);
            return step;
        });
        java.util.concurrent.CompletableFuture<Long> written = store.updateEverywhere("lun-s", register(0x20));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, seen.size(), "the step ran on the version written");
        assertFalse(written.isDone(), "PREEMPT AND ABORT must not complete before its aborts");
        step.complete(null);
        await(written);
    }

    @Test
    void unchangedUpdateLeavesTheZnodeVersionAlone() throws Exception {
        Coordination coordination = zk.newCoordination();
        ScsiContextStore store = coordination.openScsiContextStore();
        await(store.update("lun-a", register(1)));
        int version = coordination.curator().checkExists().forPath("/luns/lun-a/scsi-context").getVersion();
        await(store.update("lun-a", c -> Update.unchanged(null)));
        assertEquals(version, coordination.curator().checkExists().forPath("/luns/lun-a/scsi-context").getVersion());
    }

    @Test
    void openedStoreIsPrimedWithExistingContexts() throws Exception {
        await(store().update("lun-a", register(1)));
        // no waiting: open() returns only once the local copy holds what is stored
        assertEquals(1, peer().current("lun-a").prGeneration());
    }

    @Test
    void contextsSurviveAServerRestart() throws Exception {
        Coordination first = zk.newCoordination();
        ScsiContextStore store = first.openScsiContextStore();
        await(store.update("lun-a", c -> new Update<>(richContext(), null)));
        zk.restartServer();
        assertSameContext(richContext(), peer().current("lun-a"));
        Eventually.await("first client reconnected", first::isConnected);
        assertEquals(8L, await(store.update("lun-a", bumpGeneration())));
    }

    @Test
    void updateFailsAsUnavailableWhileZooKeeperIsDown() throws Exception {
        Coordination coordination = zk.newCoordination();
        ScsiContextStore store = coordination.openScsiContextStore();
        await(store.update("lun-a", register(1)));
        zk.stopServer();
        try {
            // whether or not the client has noticed yet, the update fails rather than hangs
            CompletableFuture<Long> racing = store.update("lun-a", register(2));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(racing));
            assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());

            Eventually.await("suspended", () -> coordination.state() == SessionState.SUSPENDED);
            ExecutionException later = assertThrows(ExecutionException.class,
                    () -> await(store.update("lun-a", register(3))));
            assertTrue(later.getCause().getMessage().contains(zk.connectString()), later.getCause().getMessage());
            assertEquals(1, store.current("lun-a").prGeneration(), "reads still answer from the local copy");
        } finally {
            zk.startServer();
        }
        Eventually.await("reconnected", coordination::isConnected);
        assertEquals(2L, await(store.update("lun-a", register(4))), "nothing from the failed updates was written");
    }

    @Test
    void sessionLossIsReportedAndTheStoreWorksOnTheNewSession() throws Exception {
        Coordination coordination = zk.newCoordination();
        ScsiContextStore store = coordination.openScsiContextStore();
        ScsiContextStore other = peer();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        coordination.addConnectionListener(states::add);

        zk.expireSession(coordination);
        Eventually.await("LOST reported", () -> states.contains(SessionState.LOST));
        Eventually.await("new session", () -> states.indexOf(SessionState.RECONNECTED) > states.indexOf(SessionState.LOST));
        assertTrue(coordination.isConnected());

        // the watch is re-established on the new session: a peer's change arrives
        await(other.update("lun-a", register(5)));
        Eventually.await("peer's change seen after session loss", () -> store.current("lun-a").prGeneration() == 1);
        assertEquals(2L, await(store.update("lun-a", register(6))));
    }

    @Test
    void contendedUpdateGivesUpAfterTheAttemptBoundWithAClearError() throws Exception {
        Coordination coordination = zk.newCoordination();
        ScsiContextStore store = ZkScsiContextStore.open(coordination.session(), 3);
        ScsiContextStore rival = peer();
        AtomicInteger applications = new AtomicInteger();
        // Not a pure change, on purpose: each application lets a rival gateway win the race first.
        CompletableFuture<Long> contended = store.update("lun-a", c -> {
            applications.incrementAndGet();
            rival.update("lun-a", bumpGeneration()).join();
            return new Update<>(c.withAptpl(true), c.prGeneration());
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(contended));
        assertEquals(IllegalStateException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage().contains("3 consecutive attempts"), e.getCause().getMessage());
        assertEquals(3, applications.get());
        assertEquals(3, rival.current("lun-a").prGeneration());
        store.close();
    }

    @Test
    void unreadableStoredContextFailsClosed() throws Exception {
        Coordination coordination = zk.newCoordination();
        ScsiContextStore store = coordination.openScsiContextStore();
        coordination.curator().create().creatingParentsIfNeeded()
                .forPath("/luns/lun-a/scsi-context", "{\"format\":99}".getBytes(StandardCharsets.UTF_8));
        Eventually.await("seen", () -> {
            try {
                store.current("lun-a");
                return false;
            } catch (CoordinationUnavailableException expected) {
                return true;
            }
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(store.update("lun-a", register(1))));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
    }

    /**
     * Holds back client A's watch: A's listener blocks on B's first write, so A's local copy
     * stays there while B writes again straight through its own Curator client.
     */
    private record StaleCopy(ZkScsiContextStore a, CountDownLatch release) {}

    private StaleCopy staleCopyOfA() throws Exception {
        ZkScsiContextStore a = zk.newCoordination().openScsiContextStore();
        Coordination b = zk.newCoordination();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.addListener("lun-a", context -> {
            blocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ScsiContext one = ScsiContext.EMPTY.withAptpl(true);
        b.curator().create().creatingParentsIfNeeded().forPath("/luns/lun-a/scsi-context", ScsiContextCodec.encode(one));
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        ScsiContext two = richContext();
        b.curator().setData().forPath("/luns/lun-a/scsi-context", ScsiContextCodec.encode(two));
        assertTrue(a.current("lun-a").aptpl() && a.current("lun-a").prGeneration() == 0, "A's copy is stale");
        return new StaleCopy(a, release);
    }

    @Test
    void updateDecidesOnTheLatestDocumentNotTheStaleLocalCopy() throws Exception {
        StaleCopy stale = staleCopyOfA();
        try {
            // an answer-only change (think RESERVATION CONFLICT): nothing written, decided on B's latest write
            long seen = await(stale.a().update("lun-a", c -> Update.unchanged(c.prGeneration())));
            assertEquals(richContext().prGeneration(), seen);
            assertSameContext(richContext(), stale.a().current("lun-a"));
        } finally {
            stale.release().countDown();
        }
    }

    @Test
    void freshReadsTheLatestDocumentAndAdvancesTheLocalCopy() throws Exception {
        StaleCopy stale = staleCopyOfA();
        try {
            assertSameContext(richContext(), await(stale.a().fresh("lun-a")));
            assertSameContext(richContext(), stale.a().current("lun-a"));
        } finally {
            stale.release().countDown();
        }
        Eventually.await("listeners caught up", () -> stale.a().appliedVersion("lun-a") > 0);
    }

    @Test
    void updateVersionedTellsTheZnodeModificationZxid() throws Exception {
        Coordination coordination = zk.newCoordination();
        ZkScsiContextStore store = coordination.openScsiContextStore();
        var first = await(store.updateVersioned("lun-a", register(1)));
        assertEquals(coordination.curator().checkExists().forPath("/luns/lun-a/scsi-context").getMzxid(), first.version());
        var unchanged = await(store.updateVersioned("lun-a", c -> Update.unchanged("same")));
        assertEquals(new VersionedScsiContextStore.Written<>("same", first.version()), unchanged);
        var second = await(store.updateVersioned("lun-a", register(2)));
        assertTrue(second.version() > first.version());
        Eventually.await("applied", () -> store.appliedVersion("lun-a") == second.version());
        assertEquals(0, store.appliedVersion("lun-never"));
    }
}
