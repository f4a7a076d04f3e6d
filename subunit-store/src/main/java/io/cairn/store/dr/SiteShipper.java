package io.cairn.store.dr;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.SubUnitReplica.BlockRun;
import io.cairn.replica.VersionSnapshot;
import io.cairn.store.FileSubUnit;
import io.cairn.store.SubUnitStore;
import io.cairn.store.oplog.ChangeCursors;
import io.cairn.store.oplog.ChangeCursors.PendingExtent;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the changes of this store's sub-units to their DR copies in one site (architecture.md
 * "Sites and DR shipping"). The store's change cursor named after the site lists what changed
 * since that site last had it ({@link ChangeCursors}); for each listed extent of a sub-unit the
 * {@link Route} sends here, the shipper asks the DR copy for its versions of the extent, sends
 * every block whose version here is newer with that version ({@link ShipProtocol#APPLY}), has
 * the DR copy force them, and only then tells the cursor the extent is shipped. So:
 * <ul>
 *   <li>hot blocks coalesce: a block written many times between two passes goes once, as it is;
 *   <li>a cut loses nothing and resumes without a full copy: the extent stays listed until the DR
 *       copy made it durable, and after a reconnect the version comparison sends only what the
 *       copy still lacks (what is re-sent is at most the one unacknowledged window);
 *   <li>after a crash or a failover the cursor, durable in the store, still lists every extent not
 *       shipped, and a secondary's cursor lists what its primary changed: the catch-up costs the
 *       listed extents, never a scan of the LUN;
 *   <li>order does not matter: the copy applies a block only when its version is newer.
 * </ul>
 * Memory: at most {@code windowBytes} plus one frame of block data in flight, and one extent's versions, per
 * site, whatever the backlog. A block the DR copy holds at a newer version than this one (an
 * earlier primary's write this copy never had) is left as it is and counted.
 */
public final class SiteShipper implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteShipper.class);

    /** Where a sub-unit's DR copy in this site is; empty: this store does not ship it (not its primary). */
    @FunctionalInterface
    public interface Route {
        Optional<Target> of(String subUnit);

        /**
         * Whether the listed changes of a sub-unit this store does not ship now are still wanted
         * (it may ship them later, after a failover); false: the site will never need them from
         * here (no DR copy there, or not a sub-unit this store holds), and they leave the cursor.
         */
        default boolean keeps(String subUnit) {
            return true;
        }
    }

    /** The local copy to ship from, the DR copy's identity, and the DR store's shipping address. */
    public record Target(FileSubUnit local, DrCopy copy, InetSocketAddress receiver) {}

    /**
     * @param bytesPerSecond the link's limit (0: none)
     * @param windowBytes    block bytes sent before waiting for their replies (the memory bound)
     * @param timeout        connect and reply timeout
     * @param poll           pause between passes when nothing is listed
     * @param maxBackoff     longest pause between attempts while the DR store is unreachable
     */
    public record Settings(long bytesPerSecond, int windowBytes, Duration timeout, Duration poll, Duration maxBackoff) {
        public static Settings defaults() {
            return new Settings(0, 4 << 20, Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofSeconds(5));
        }

        public Settings withBytesPerSecond(long value) {
            return new Settings(value, windowBytes, timeout, poll, maxBackoff);
        }

        public Settings withTimeout(Duration value) {
            return new Settings(bytesPerSecond, windowBytes, value, poll, maxBackoff);
        }
    }

    /** Counters of one shipper since it started. */
    public record Stats(long extentsShipped, long blocksSent, long bytesSent, long blocksResent, long divergentBlocks,
                        long failures, long connects, String lastError) {}

    private final String site;
    private final SubUnitStore store;
    private final Route route;
    private final Settings settings;
    private final Throttle throttle;
    private final Map<InetSocketAddress, ShipLink> links = new HashMap<>();
    private final Thread thread;
    private final AtomicLong extentsShipped = new AtomicLong();
    private final AtomicLong blocksSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong blocksResent = new AtomicLong();
    private final AtomicLong divergent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError = "";
    private volatile boolean stopped;

    private SiteShipper(String site, SubUnitStore store, Route route, Settings settings) {
        this.site = site;
        this.store = store;
        this.route = route;
        this.settings = settings;
        this.throttle = new Throttle(settings.bytesPerSecond());
        this.thread = new Thread(this::run, "cairn-ship-" + site);
        thread.setDaemon(true);
    }

    /** Registers the site's change cursor if the store has none yet, and starts shipping. */
    public static SiteShipper start(String site, SubUnitStore store, Route route, Settings settings)
            throws IOException {
        if (!store.changes().names().contains(site)) {
            store.registerChangeCursor(site);
        }
        SiteShipper s = new SiteShipper(site, store, route, settings);
        s.thread.start();
        return s;
    }

    /** A sub-unit new to the site: every extent of it is listed once, so its DR copy gets all of it. */
    public void seed(FileSubUnit unit, String subUnit) throws IOException {
        store.changes().seed(site, subUnit, unit.replicationBlocks());
    }

    /** {@link #seed} for many sub-units (by name), with one write of the cursor's file. Durable when this returns. */
    public void seed(Map<String, FileSubUnit> units) throws IOException {
        Map<String, Integer> blocks = new HashMap<>();
        units.forEach((name, unit) -> blocks.put(name, unit.replicationBlocks()));
        store.changes().seed(site, blocks);
    }

    public String site() {
        return site;
    }

    /** Listed extents of sub-units this shipper ships (its backlog, in extents). */
    public int backlog() {
        int n = 0;
        for (PendingExtent e : store.changes().pending(site)) {
            if (route.of(e.subUnit()).isPresent()) {
                n++;
            }
        }
        return n;
    }

    public Stats stats() {
        long connects = 0;
        synchronized (links) {
            for (ShipLink l : links.values()) {
                connects += l.connects();
            }
        }
        return new Stats(extentsShipped.get(), blocksSent.get(), bytesSent.get(), blocksResent.get(), divergent.get(),
                failures.get(), connects, lastError);
    }

    private void run() {
        long backoff = 0;
        while (!stopped) {
            try {
                boolean shippedAny = pass();
                backoff = 0;
                if (!shippedAny) {
                    Thread.sleep(settings.poll().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                failures.incrementAndGet();
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!error.equals(lastError)) {
                    LOG.warn("shipping to site {}: {}; retrying", site, error);
                }
                lastError = error;
                backoff = Math.min(settings.maxBackoff().toMillis(), Math.max(50, backoff * 2));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Ships every listed extent of a routed sub-unit once; false if there was none. */
    private boolean pass() throws IOException, InterruptedException {
        boolean any = false;
        for (PendingExtent e : store.changes().pending(site)) {
            if (stopped) {
                return any;
            }
            Optional<Target> target = route.of(e.subUnit());
            if (target.isEmpty()) {
                if (!route.keeps(e.subUnit())) {
                    store.changes().shipped(site, e); // wanted by no one: dropped, durable at the next persist
                }
                continue;
            }
            ship(e, target.get());
            store.changes().shipped(site, e);
            extentsShipped.incrementAndGet();
            any = true;
        }
        return any;
    }

    private void ship(PendingExtent e, Target t) throws IOException, InterruptedException {
        FileSubUnit local = t.local();
        int first = e.extent() * ChangeCursors.EXTENT_BLOCKS;
        int count = Math.min(ChangeCursors.EXTENT_BLOCKS, local.replicationBlocks() - first);
        if (count <= 0) {
            return; // an extent past the end: nothing there to ship
        }
        ShipLink link;
        synchronized (links) {
            link = links.computeIfAbsent(t.receiver(), a -> new ShipLink(a, settings.timeout()));
        }
        DrCopy copy = t.copy();
        ByteBuffer q = body(copy, 8).putInt(first).putInt(count);
        ByteBuffer theirs = ByteBuffer.wrap(link.exchange(List.of(link.request(ShipProtocol.VERSIONS, 0, q.array())))[0].body());
        if (theirs.getInt() != count) {
            throw new IOException("DR store " + t.receiver() + " sent versions of another range");
        }
        BlockVersion[] remote = new BlockVersion[count];
        for (int i = 0; i < count; i++) {
            remote[i] = new BlockVersion(theirs.getLong(), theirs.getLong());
            theirs.get();
        }
        VersionSnapshot ours = Await.get(local.versions(first, count), settings.timeout(), "the local copy");
        List<int[]> stale = new ArrayList<>(); // runs [from, to) of blocks newer here
        for (int i = 0; i < count; i++) {
            BlockVersion mine = ours.version(i);
            if (mine.newerThan(remote[i])) {
                if (!stale.isEmpty() && stale.get(stale.size() - 1)[1] == i) {
                    stale.get(stale.size() - 1)[1] = i + 1;
                } else {
                    stale.add(new int[] {i, i + 1});
                }
            } else if (!mine.equals(remote[i])) {
                divergent.incrementAndGet();
            }
        }
        int perApply = Math.max(1, ShipProtocol.MAX_APPLY_BYTES / local.replicationBlockBytes());
        List<ShipProtocol.Frame> window = new ArrayList<>();
        long windowBytes = 0;
        for (int[] run : stale) {
            for (int from = run[0]; from < run[1]; from += perApply) {
                int n = Math.min(perApply, run[1] - from);
                List<BlockRun> runs = Await.get(local.readBlocks(first + from, n), settings.timeout(), "the local copy");
                try {
                    for (BlockRun r : runs) {
                        ShipProtocol.Frame f = apply(link, copy, r);
                        throttle.acquire(f.body().length + ShipProtocol.HEADER_BYTES);
                        window.add(f);
                        windowBytes += f.body().length;
                    }
                } finally {
                    BlockRun.releaseAll(runs);
                }
                if (windowBytes >= settings.windowBytes()) {
                    send(link, window);
                    window.clear();
                    windowBytes = 0;
                }
            }
        }
        if (!window.isEmpty()) {
            send(link, window);
        }
        if (!stale.isEmpty()) {
            link.exchange(List.of(link.request(ShipProtocol.FORCE, 0, body(copy, 0).array())));
        }
    }

    private ShipProtocol.Frame apply(ShipLink link, DrCopy copy, BlockRun r) {
        int dataBytes = r.data() == null ? 0 : r.data().readableBytes();
        ByteBuffer b = body(copy, 8 + 16 + dataBytes);
        b.putInt(r.first()).putInt(r.count()).putLong(r.version().epoch()).putLong(r.version().id());
        if (r.data() != null) {
            r.data().getBytes(r.data().readerIndex(), b.array(), b.position(), dataBytes);
        }
        return link.request(ShipProtocol.APPLY, r.data() == null ? ShipProtocol.FLAG_DEALLOCATED : 0, b.array());
    }

    /** A request body of {@code more} bytes after the sub-unit it is about, positioned after it. */
    private static ByteBuffer body(DrCopy copy, int more) {
        ByteBuffer b = ByteBuffer.allocate(copy.bytes() + more);
        copy.put(b);
        return b;
    }

    private void send(ShipLink link, List<ShipProtocol.Frame> window) throws IOException {
        ShipProtocol.Frame[] replies = link.exchange(window);
        for (int i = 0; i < replies.length; i++) {
            ByteBuffer done = ByteBuffer.wrap(replies[i].body());
            int applied = done.getInt();
            int notNewer = done.getInt();
            blocksSent.addAndGet(applied + notNewer);
            blocksResent.addAndGet(notNewer);
            bytesSent.addAndGet(window.get(i).body().length);
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        synchronized (links) {
            links.values().forEach(ShipLink::close); // a thread blocked reading a reply wakes up
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (links) {
            links.values().forEach(ShipLink::close); // one it reconnected before it saw stopped
            links.clear();
        }
    }
}
