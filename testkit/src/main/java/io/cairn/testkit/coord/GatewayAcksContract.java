package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.scsi.GatewayAcks;
import io.cairn.coord.scsi.VersionedScsiContextStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.cairn.testkit.coord.ScsiContextStoreContract.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link GatewayAcks} does; run against each implementation. A test plays several
 * gateways over one shared state; a held gateway is a slow one.
 */
public abstract class GatewayAcksContract {

    /** Long enough never to expire in a passing test. */
    protected static final Duration LONG = Duration.ofSeconds(20);

    /** One gateway: the context store it applies and the acknowledgements it joined, as {@code id}. */
    public record Gateway(String id, VersionedScsiContextStore store, GatewayAcks acks) {}

    /** A new gateway over the state shared by every gateway of this test, joined as {@code id}. */
    protected abstract Gateway gateway(String id);

    /** The gateway applies (and so acknowledges) no new version until {@link #release}d. */
    protected abstract void hold(Gateway gateway);

    /** The held gateway catches up. */
    protected abstract void release(Gateway gateway);

    /** The gateway's process stops: its session ends, and it no longer counts. */
    protected abstract void stop(Gateway gateway);

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    public void awaitCompletesOnlyOnceEveryLiveGatewayAppliedOrStopped() throws Exception {
        Gateway a = gateway("gw-a");
        Gateway b = gateway("gw-b");
        Gateway c = gateway("gw-c");
        hold(b);
        hold(c);
        long version = await(a.store().updateVersioned("lun-a", register(7))).version();
        assertTrue(version > 0);
        CompletableFuture<Void> applied = a.acks().awaitApplied("lun-a", version, LONG);
        assertFalse(applied.isDone(), "gateways b and c have not applied it");
        release(b);
        assertFalse(applied.isDone(), "gateway c has not applied it");
        stop(c);
        await(applied);
    }

    @Test
    public void awaitTimesOutAsUnavailableNamingTheLaggingGateway() throws Exception {
        Gateway a = gateway("gw-a");
        Gateway b = gateway("gw-b");
        hold(b);
        long version = await(a.store().updateVersioned("lun-a", register(1))).version();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(a.acks().awaitApplied("lun-a", version, Duration.ofMillis(300))));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage().contains("gw-b"), e.getCause().getMessage());
        assertFalse(e.getCause().getMessage().contains("gw-a"), "gateway A did apply it: " + e.getCause().getMessage());
    }

    @Test
    public void joiningGatewayHoldsAndAcknowledgesWhatWasWrittenBefore() throws Exception {
        Gateway a = gateway("gw-a");
        long version = await(a.store().updateVersioned("lun-a", register(1))).version();
        Gateway late = gateway("gw-late");
        assertEquals(1, late.store().current("lun-a").prGeneration(), "joined holding the context");
        await(a.acks().awaitApplied("lun-a", version, LONG));
        await(late.acks().awaitApplied("lun-a", version, LONG));
    }

    @Test
    public void closingFailsPendingWaitsAsUnavailable() throws Exception {
        Gateway a = gateway("gw-a");
        Gateway b = gateway("gw-b");
        hold(b);
        long version = await(a.store().updateVersioned("lun-a", register(1))).version();
        CompletableFuture<Void> applied = a.acks().awaitApplied("lun-a", version, LONG);
        a.acks().close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(applied));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
    }
}
