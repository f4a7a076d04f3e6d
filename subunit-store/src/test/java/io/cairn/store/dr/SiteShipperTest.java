package io.cairn.store.dr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.replica.VersionSnapshot;
import io.cairn.store.FileSubUnit;
import io.cairn.store.SubUnitStore;
import io.cairn.store.disk.PowerCutDisk;
import io.cairn.store.oplog.ChangeCursors;
import io.cairn.store.oplog.OpLogSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DR shipping between two real stores on loopback, through a link that breaks frames on purpose
 * ({@link ShapingProxy}): the DR copies end byte-identical to the primary's with equal version
 * ids, whatever the link did, and after a cut or a restart only what the DR copy lacks goes again.
 */
class SiteShipperTest {
    private static final int BS = 512;
    private static final int REPLICATION = 4096;
    private static final long BLOCKS = 8192; // 4 MiB sub-units: 1024 replication blocks, 4 extents
    private static final int UNITS = 2;
    private static final String SITE = "osaka";

    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private SubUnitStore local;
    private SubUnitStore dr;
    private ShipReceiver receiver;
    private ShapingProxy proxy;
    private SiteShipper shipper;
    private final FileSubUnit[] units = new FileSubUnit[UNITS];

    @BeforeEach
    void start() throws Exception {
        local = SubUnitStore.open(dir.resolve("local"), 1, io, REPLICATION);
        dr = SubUnitStore.open(dir.resolve("dr"), 2, io, REPLICATION);
        for (int u = 0; u < UNITS; u++) {
            units[u] = local.open("db", u, BLOCKS, BS);
        }
        receiver = ShipReceiver.start(dr, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(30), 16);
        proxy = new ShapingProxy(receiver.address(), 42);
    }

    @AfterEach
    void stop() throws Exception {
        if (shipper != null) {
            shipper.close();
        }
        proxy.close();
        receiver.close();
        local.close();
        dr.close();
        io.shutdownNow();
    }

    private SiteShipper.Route route(SubUnitStore from) {
        return subUnit -> {
            if (!subUnit.startsWith("db/")) {
                return Optional.empty();
            }
            int u = Integer.parseInt(subUnit.substring(3));
            try {
                return Optional.of(new SiteShipper.Target(from.open("db", u, BLOCKS, BS),
                        new DrCopy("db", u, BLOCKS, BS, REPLICATION), proxy.address()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private SiteShipper.Settings settings() {
        return SiteShipper.Settings.defaults().withTimeout(Duration.ofSeconds(2));
    }

    @Test
    void theDrCopiesEndByteIdenticalWithEqualVersions() throws Exception {
        shipper = SiteShipper.start(SITE, local, route(local), settings());
        write(new Random(1), 2000);
        awaitShipped();
        assertConverged();
        SiteShipper.Stats s = shipper.stats();
        assertEquals(0, s.failures(), s.toString());
        assertTrue(s.blocksSent() > 0, s.toString());
    }

    enum Fault { CUT, DELAY, DUPLICATE, REORDER, TRUNCATE, FLIP, STALL, MIXED }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void whateverTheLinkDoesTheCopiesConvergeAndLittleGoesTwice(Fault fault) throws Exception {
        proxy.faults(switch (fault) {
            case CUT -> new ShapingProxy.Faults(0.02, 0, 0, 0, 0, 0, 0, 0, 0);
            case DELAY -> new ShapingProxy.Faults(0, 0.5, 20, 0, 0, 0, 0, 0, 0);
            case DUPLICATE -> new ShapingProxy.Faults(0, 0, 0, 0.2, 0, 0, 0, 0, 0);
            case REORDER -> new ShapingProxy.Faults(0, 0, 0, 0, 0.3, 0, 0, 0, 0);
            case TRUNCATE -> new ShapingProxy.Faults(0, 0, 0, 0, 0, 0.02, 0, 0, 0);
            case FLIP -> new ShapingProxy.Faults(0, 0, 0, 0, 0, 0, 0.03, 0, 0);
            case STALL -> new ShapingProxy.Faults(0, 0, 0, 0, 0, 0, 0, 0.01, 2500); // past the 2 s reply timeout
            case MIXED -> new ShapingProxy.Faults(0.01, 0.1, 10, 0.05, 0.05, 0.01, 0.01, 0.005, 2500);
        });
        shipper = SiteShipper.start(SITE, local, route(local), settings());
        write(new Random(fault.ordinal()), 3000);
        Thread.sleep(300);
        awaitUntil(() -> proxy.faultsInjected.get() > 0, "a fault injected");
        proxy.faults(ShapingProxy.Faults.NONE);
        awaitShipped();
        assertConverged();
        SiteShipper.Stats s = shipper.stats();
        if (fault == Fault.FLIP) {
            assertTrue(receiver.rejectedFrames() > 0 || s.failures() > 0, "a flipped bit must be caught: " + s);
        }
        if (fault == Fault.CUT || fault == Fault.TRUNCATE || fault == Fault.STALL) {
            assertTrue(s.failures() > 0 && s.connects() > 1, "the shipper must have reconnected: " + s);
        }
        // what went twice: at most one window per broken exchange
        long broken = s.failures() + 1;
        long bound = broken * settings().windowBytes() / REPLICATION;
        assertTrue(s.blocksResent() <= bound, "re-sent " + s.blocksResent() + " blocks, bound " + bound + ": " + s);
        System.out.printf("fault %s: %d faults injected, %s, receiver rejected %d frames%n", fault,
                proxy.faultsInjected.get(), s, receiver.rejectedFrames());
    }

    @Test
    void afterALongCutAndARestartOnlyWhatChangedGoes() throws Exception {
        shipper = SiteShipper.start(SITE, local, route(local), settings());
        write(new Random(3), 1000);
        awaitShipped();
        long sentBefore = shipper.stats().blocksSent();

        proxy.down(true); // the site link goes away while writes go on
        Set<String> changed = write(new Random(4), 300);
        Thread.sleep(500);
        shipper.close();
        local.close(); // and the primary's store restarts before the link comes back
        local = SubUnitStore.open(dir.resolve("local"), 1, io, REPLICATION);
        for (int u = 0; u < UNITS; u++) {
            units[u] = local.open("db", u, BLOCKS, BS);
        }
        proxy.down(false);
        shipper = SiteShipper.start(SITE, local, route(local), settings());
        awaitShipped();
        assertConverged();
        long sent = shipper.stats().blocksSent();
        assertTrue(sent > 0 && sent <= changed.size(), "after the restart " + sent + " blocks went for "
                + changed.size() + " changed (before: " + sentBefore + ")");
    }

    @Test
    void aReceivingStoreThatLosesPowerMidStreamStillEndsIdentical() throws Exception {
        receiver.close();
        dr.close();
        PowerCutDisk disk = new PowerCutDisk();
        Path data = Path.of("/dr-site/data");
        ExecutorService sync = Executors.newSingleThreadExecutor();
        try {
            dr = SubUnitStore.open(disk, data, 2, io, sync, REPLICATION, OpLogSettings.DEFAULT);
            receiver = ShipReceiver.start(dr, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Duration.ofSeconds(30), 16);
            proxy.retarget(receiver.address());
            shipper = SiteShipper.start(SITE, local, route(local), settings());
            Random random = new Random(7);
            long shippedAtCuts = 0;
            for (int cut = 0; cut < 5; cut++) {
                write(random, 400);
                Thread.sleep(random.nextInt(200));
                shippedAtCuts += shipper.stats().extentsShipped();
                // the DR store's power goes: what it did not force is lost (a random part of it reached the disk)
                PowerCutDisk after = disk.cut(random, random.nextDouble() * 0.5);
                receiver.close();
                try {
                    dr.close();
                } catch (Exception expected) {
                    // the old machine's disk is gone
                }
                disk = after;
                dr = SubUnitStore.open(disk, data, 2, io, sync, REPLICATION, OpLogSettings.DEFAULT);
                receiver = ShipReceiver.start(dr, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        Duration.ofSeconds(30), 16);
                proxy.retarget(receiver.address());
            }
            awaitShipped();
            // extents marked shipped before a cut are not listed again: they must have survived it
            assertConverged();
            assertTrue(shippedAtCuts > 0, "some extents must have been shipped before the cuts");
        } finally {
            receiver.close();
            dr.close();
            sync.shutdownNow(); // what @AfterEach closes again is closed already
        }
    }

    @Test
    void aSubUnitWrittenBeforeItsSiteExistedIsSeededInFull() throws Exception {
        write(new Random(5), 500);
        shipper = SiteShipper.start(SITE, local, route(local), settings());
        awaitUntil(() -> shipper.stats().extentsShipped() == 0 && shipper.backlog() == 0, "nothing listed yet");
        long versioned = 0;
        Map<String, FileSubUnit> seeded = new HashMap<>();
        for (int u = 0; u < UNITS; u++) {
            VersionSnapshot v = units[u].versions().get(5, TimeUnit.SECONDS);
            for (int b = 0; b < v.blocks(); b++) {
                versioned += v.ids()[b] != 0 ? 1 : 0;
            }
            seeded.put("db/" + u, units[u]);
        }
        shipper.seed(seeded);
        assertEquals(UNITS * (int) (BLOCKS * BS / REPLICATION / ChangeCursors.EXTENT_BLOCKS), shipper.backlog(),
                "every extent of every seeded sub-unit listed");
        awaitShipped();
        assertConverged();
        assertEquals(versioned, shipper.stats().blocksSent(), "every block ever changed goes once: " + shipper.stats());
    }

    @Test
    void changesOfASubUnitTheRouteNoLongerKeepsLeaveTheCursorAndOnesItKeepsStay() throws Exception {
        SiteShipper.Route shipsNothing = new SiteShipper.Route() {
            @Override
            public Optional<SiteShipper.Target> of(String subUnit) {
                return Optional.empty(); // a secondary, say: it ships nothing now
            }

            @Override
            public boolean keeps(String subUnit) {
                return !subUnit.equals("db/1"); // db/1 has no DR copy in this site
            }
        };
        shipper = SiteShipper.start(SITE, local, shipsNothing, settings());
        write(new Random(6), 400);
        awaitUntil(() -> local.changes().pending(SITE).stream().noneMatch(e -> e.subUnit().equals("db/1")),
                "db/1's changes dropped");
        assertTrue(local.changes().pending(SITE).stream().anyMatch(e -> e.subUnit().equals("db/0")),
                "db/0's changes are kept for a later primary: " + local.changes().pending(SITE));
        assertEquals(0, shipper.stats().blocksSent());
    }

    @Test
    void theLinkLimitHolds() throws Exception {
        long limit = 1 << 20;
        shipper = SiteShipper.start(SITE, local, route(local),
                settings().withBytesPerSecond(limit).withTimeout(Duration.ofSeconds(10)));
        // 2 MiB of distinct replication blocks: at 1 MiB/s, no sooner than about a second after the first
        for (int u = 0; u < UNITS; u++) {
            ByteBuf data = Unpooled.buffer((int) (BLOCKS * BS / 2));
            new Random(u).ints(data.capacity() / 4).forEach(data::writeInt);
            units[u].write(0, data, false).get(5, TimeUnit.SECONDS);
        }
        long started = System.nanoTime();
        awaitShipped();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertConverged();
        long bytes = shipper.stats().bytesSent();
        assertTrue(bytes >= 2 << 20, "sent " + bytes);
        // the bucket lets a tenth of a second (at least one frame) go at once
        long floor = (bytes - Math.max(limit / 10, ShipProtocol.MAX_BODY_BYTES)) * 1000 / limit;
        assertTrue(millis >= floor * 9 / 10, "shipped " + bytes + " bytes in " + millis + " ms at a limit of "
                + limit + " bytes/s (floor " + floor + " ms)");
    }

    @Test
    void garbageClosesTheConnectionAndABadRequestGetsAnError() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), receiver.address().getPort())) {
            s.setSoTimeout(5000);
            byte[] junk = new byte[4096];
            new Random(6).nextBytes(junk);
            s.getOutputStream().write(junk);
            assertEquals(-1, s.getInputStream().read(), "the receiver must close a connection sending garbage");
        }
        assertEquals(1, receiver.rejectedFrames());

        // a frame that passes its checks but names blocks outside the sub-unit
        DrCopy copy = new DrCopy("db", 0, BLOCKS, BS, REPLICATION);
        ByteBuffer body = ByteBuffer.allocate(copy.bytes() + 8);
        copy.put(body);
        body.putInt(5000).putInt(10);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), receiver.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            ShipProtocol.write(out, new ShipProtocol.Frame(ShipProtocol.VERSIONS, 0, 9, body.array()));
            ShipProtocol.Frame reply = ShipProtocol.read(new DataInputStream(s.getInputStream()));
            assertEquals(ShipProtocol.ERROR, reply.type());
            assertEquals(9, reply.requestId());
            String message = ShipProtocol.getString(ByteBuffer.wrap(reply.body()));
            assertTrue(message.contains("outside"), message);

            // more versions than one reply can carry: refused, and the connection still serves
            ByteBuffer tooMany = ByteBuffer.allocate(copy.bytes() + 8);
            copy.put(tooMany);
            tooMany.putInt(0).putInt(ShipReceiver.MAX_VERSIONS + 1);
            ShipProtocol.write(out, new ShipProtocol.Frame(ShipProtocol.VERSIONS, 0, 10, tooMany.array()));
            ShipProtocol.Frame refused = ShipProtocol.read(new DataInputStream(s.getInputStream()));
            assertEquals(ShipProtocol.ERROR, refused.type());
            assertEquals(10, refused.requestId());
            String why = ShipProtocol.getString(ByteBuffer.wrap(refused.body()));
            assertTrue(why.contains("at most"), why);
        }
    }

    /** Writes and unmaps at random; returns the replication blocks touched, as "unit/block". */
    private Set<String> write(Random random, int operations) throws Exception {
        Set<String> touched = new HashSet<>();
        for (int i = 0; i < operations; i++) {
            int u = random.nextInt(UNITS);
            int count = 1 + random.nextInt(16);
            long lba = random.nextInt((int) BLOCKS - count);
            for (long b = lba; b < lba + count; b++) {
                touched.add(u + "/" + b * BS / REPLICATION);
            }
            if (random.nextInt(10) == 0) {
                units[u].unmap(lba, count).get(5, TimeUnit.SECONDS);
            } else {
                ByteBuf data = Unpooled.buffer(count * BS);
                random.ints(count * BS / 4).forEach(data::writeInt);
                units[u].write(lba, data, random.nextInt(4) == 0).get(5, TimeUnit.SECONDS);
            }
        }
        return touched;
    }

    private void awaitShipped() throws Exception {
        awaitUntil(() -> shipper.backlog() == 0, "the backlog shipped: " + shipper.stats());
    }

    private static void awaitUntil(BooleanSupplier done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private void assertConverged() throws Exception {
        for (int u = 0; u < UNITS; u++) {
            FileSubUnit copy = dr.open("db@dr", u, BLOCKS, BS);
            VersionSnapshot ours = units[u].versions().get(5, TimeUnit.SECONDS);
            VersionSnapshot theirs = copy.versions().get(5, TimeUnit.SECONDS);
            assertArrayEquals(ours.epochs(), theirs.epochs(), "epochs of sub-unit " + u);
            assertArrayEquals(ours.ids(), theirs.ids(), "version ids of sub-unit " + u);
            assertArrayEquals(ours.mapped(), theirs.mapped(), "mapped blocks of sub-unit " + u);
            assertArrayEquals(units[u].digests().get(5, TimeUnit.SECONDS), copy.digests().get(5, TimeUnit.SECONDS),
                    "content of sub-unit " + u);
        }
    }
}
