package io.cairn.store.oplog;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation log on a {@link Disk}, in {@link OpLogFormat}'s files. Two threads of its own:
 * the syncer, which runs one {@code fdatasync} for everyone waiting ({@link #sync}) and then
 * completes every wait it covers (group commit: a wait that arrives during a sync is covered by
 * the next one), and the checkpointer.
 *
 * <p>The durability contract, enforced in {@link #checkpoint}: <b>a segment is deleted only when
 * every record in it lies below a checkpoint mark, and a mark is taken before the block files and
 * version maps are forced, while every record's effects were in them before the record was
 * appended; so the log is trimmed only past what the block files and version maps have made
 * durable.</b>
 *
 * <p>Faults: a failed {@code fdatasync} or checkpoint fails the log for good (what the kernel
 * dropped after a failed fsync cannot be known): every later append and sync fails, so writes
 * fail rather than be acknowledged undurable; reopening the store replays the log.
 */
public final class FileOpLog implements OpLog {
    private static final Logger log = LoggerFactory.getLogger(FileOpLog.class);
    static final String SPARE = "spare-";
    private static final int MAX_SPARES = 2;

    /** Forces every block file and version map changed since the last time; the store's. */
    @FunctionalInterface
    public interface Checkpointer {
        void forceChanged() throws IOException;
    }

    private record Segment(long start, Path path, DiskFile file) {
    }

    private record Waiter(long lsn, CompletableFuture<Void> done) {
    }

    private final Disk disk;
    private final Path dir;
    private final OpLogSettings settings;
    private final Object lock = new Object();
    /** Oldest first; the last is the one appended to. Guarded by {@link #lock}. */
    private final Deque<Segment> segments = new ArrayDeque<>();
    /** Spare segment files, ready to be renamed into the next segment; guarded by itself. */
    private final Deque<Path> spares = new ArrayDeque<>();
    private volatile int spareNames;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.lsn, b.lsn));
    private long tail;
    /** Bytes written to the newest segment, its header included. */
    private long segmentFill;
    private volatile long durable;
    private long checkpointed;
    private long lastCheckpointNanos;
    private boolean roomWanted;
    private boolean closed;
    private volatile IOException failure;
    private Checkpointer checkpointer;
    private Thread syncer;
    private Thread checkpoints;
    private Recovery recovery;

    private FileOpLog(Disk disk, Path dir, OpLogSettings settings) {
        this.disk = disk;
        this.dir = dir;
        this.settings = settings;
    }

    /**
     * Opens the log in {@code dir} and replays every record it holds, oldest first, into
     * {@code replay}; a torn tail is cut. The caller makes what {@code replay} did durable, then
     * calls {@link #start}. Fails if a segment other than the newest is corrupt.
     */
    public static FileOpLog open(Disk disk, Path dir, OpLogSettings settings, Consumer<LogRecord> replay)
            throws IOException {
        disk.createDirectories(dir);
        FileOpLog opLog = new FileOpLog(disk, dir, settings);
        opLog.recovery = opLog.replay(replay);
        return opLog;
    }

    public Recovery recovery() {
        return recovery;
    }

    private Recovery replay(Consumer<LogRecord> replay) throws IOException {
        List<Long> starts = new ArrayList<>();
        for (String name : disk.list(dir)) {
            long start = OpLogFormat.segmentStart(name);
            if (start >= 0) {
                starts.add(start);
            }
        }
        long from = starts.isEmpty() ? 0 : starts.get(0);
        long lsn = from;
        long records = 0;
        String cut = null;
        for (int i = 0; i < starts.size(); i++) {
            boolean newest = i == starts.size() - 1;
            Path path = dir.resolve(OpLogFormat.segmentName(starts.get(i)));
            if (starts.get(i) != lsn) {
                throw new IOException("operation log segment " + path + " does not follow on from position " + lsn);
            }
            try (DiskFile file = disk.open(path)) {
                long size = file.size();
                String bad = size < OpLogFormat.SEGMENT_HEADER_BYTES ? "short segment header"
                        : OpLogFormat.checkSegmentHeader(file.readFully(0, OpLogFormat.SEGMENT_HEADER_BYTES), lsn);
                long pos = OpLogFormat.SEGMENT_HEADER_BYTES;
                while (bad == null && size - pos >= OpLogFormat.RECORD_HEADER_BYTES) {
                    ByteBuffer header = file.readFully(pos, OpLogFormat.RECORD_HEADER_BYTES);
                    OpLogFormat.Header kind = OpLogFormat.header(header, lsn);
                    if (kind == OpLogFormat.Header.END) {
                        break;
                    }
                    int n = OpLogFormat.bodyLength(header);
                    if (kind == OpLogFormat.Header.TORN || size - pos - OpLogFormat.RECORD_HEADER_BYTES < n) {
                        bad = "short record at position " + lsn;
                        break;
                    }
                    LogRecord record = OpLogFormat.decode(lsn, header,
                            file.readFully(pos + OpLogFormat.RECORD_HEADER_BYTES, n));
                    if (record == null) {
                        bad = "record at position " + lsn + " does not check";
                        break;
                    }
                    replay.accept(record);
                    records++;
                    pos += OpLogFormat.RECORD_HEADER_BYTES + n;
                    lsn += OpLogFormat.RECORD_HEADER_BYTES + n;
                }
                if (bad != null) {
                    if (!newest) {
                        throw new IOException("operation log corrupt in " + path + " (" + bad
                                + "), with durable segments after it; refusing to replay past it");
                    }
                    cut = bad;
                    log.warn("operation log {}: cutting the torn tail ({}); it was never acknowledged durable",
                            path, bad);
                    file.truncate(pos); // so that, no longer the newest, it ends cleanly where it was cut
                    file.force(true);
                }
            }
        }
        return new Recovery(records, from, lsn, cut);
    }

    /**
     * Starts the log after recovery: a new segment at the recovered end, the old ones deleted (the
     * caller has made what they held durable), the syncer and checkpointer running.
     */
    public void start(Checkpointer checkpointer) throws IOException {
        synchronized (lock) {
            this.checkpointer = checkpointer;
            List<String> old = disk.list(dir);
            for (String name : old) {
                spareNames = Math.max(spareNames, spareNumber(name) + 1);
            }
            tail = recovery.to();
            // first the segment at the position (some segment always names it: the positions go on
            // from there after any crash), then the replayed ones go
            openSegment(tail);
            List<Path> retired = new ArrayList<>();
            for (String name : old) {
                long start = OpLogFormat.segmentStart(name);
                if (start >= 0 && start != tail) {
                    retired.add(dir.resolve(name));
                } else if (spareNumber(name) >= 0) {
                    retired.add(dir.resolve(name));
                }
            }
            for (Path p : retired) {
                retire(p);
            }
            durable = tail;
            checkpointed = tail;
            lastCheckpointNanos = System.nanoTime();
        }
        syncer = daemon("cairn-oplog-sync", this::syncLoop);
        checkpoints = daemon("cairn-oplog-checkpoint", this::checkpointLoop);
    }

    @Override
    public long append(LogRecord record) throws IOException {
        int bytes = OpLogFormat.encodedBytes(record);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
        try {
            synchronized (lock) {
                while (true) {
                    checkUsable();
                    long live = tail - segments.peekFirst().start();
                    if (live == 0 || live + bytes <= settings.capacityBytes()) {
                        break;
                    }
                    roomWanted = true; // full: wait for a checkpoint to trim
                    lock.notifyAll();
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for room in the operation log");
                    }
                }
                if (segmentFill > OpLogFormat.SEGMENT_HEADER_BYTES
                        && segmentFill + bytes > settings.segmentBytes()) {
                    roll();
                }
                OpLogFormat.encode(tail, record, buf);
                segments.peekLast().file().writeFully(buf.nioBuffer(), segmentFill);
                segmentFill += bytes;
                tail += bytes;
                if (tail - checkpointed >= settings.checkpointBytes()) {
                    lock.notifyAll();
                }
                return tail;
            }
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            buf.release();
        }
    }

    @Override
    public long appended() {
        synchronized (lock) {
            return tail;
        }
    }

    @Override
    public CompletableFuture<Void> sync(long lsn) {
        IOException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        if (lsn <= durable) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(new Waiter(lsn, done));
            waiters.notifyAll();
        }
        return done;
    }

    private void syncLoop() {
        while (true) {
            synchronized (waiters) {
                while (waiters.isEmpty() && !isClosed()) {
                    try {
                        waiters.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiters.isEmpty()) {
                    return;
                }
            }
            long target;
            DiskFile file;
            synchronized (lock) {
                target = tail;
                file = segments.isEmpty() ? null : segments.peekLast().file();
            }
            try {
                if (failure != null) {
                    throw failure;
                }
                if (file != null) {
                    file.force(false); // older segments were forced whole when the next began
                }
                durable = Math.max(durable, target);
                completeUpTo(target, null);
            } catch (ClosedChannelException e) {
                if (isClosed()) { // close() forced nothing for these: they fail
                    completeUpTo(Long.MAX_VALUE, new IOException("operation log is closed"));
                    return;
                }
                // a checkpoint trimmed the segment: what it held is durable in the block files
                durable = Math.max(durable, target);
                completeUpTo(target, null);
            } catch (IOException e) {
                fail(e);
                completeUpTo(Long.MAX_VALUE, failure);
            }
        }
    }

    private void completeUpTo(long target, IOException failed) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().lsn <= target) {
                ready.add(waiters.poll());
            }
        }
        for (Waiter w : ready) {
            if (failed == null) {
                w.done.complete(null);
            } else {
                w.done.completeExceptionally(failed);
            }
        }
    }

    private void checkpointLoop() {
        while (true) {
            try {
                prepareSpare();
            } catch (IOException e) {
                fail(e);
                return;
            }
            synchronized (lock) {
                while (!closed && failure == null && !checkpointDue()) {
                    try {
                        lock.wait(Math.max(1, settings.checkpointInterval().toMillis() / 4));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || failure != null) {
                    return;
                }
            }
            try {
                checkpoint();
            } catch (IOException e) {
                fail(e);
                return;
            }
        }
    }

    private boolean checkpointDue() {
        long since = tail - checkpointed;
        return since > 0 && (roomWanted || since >= settings.checkpointBytes()
                || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos());
    }

    /**
     * One checkpoint (see the contract in the class comment): the mark is the end of the log,
     * taken with a fresh segment begun so that every older one can go; then the store forces its
     * changed files; then every segment below the mark is deleted.
     */
    public void checkpoint() throws IOException {
        long mark;
        synchronized (lock) {
            checkUsable();
            if (segmentFill > OpLogFormat.SEGMENT_HEADER_BYTES) {
                roll();
            }
            mark = tail;
        }
        checkpointer.forceChanged(); // every effect of every record below the mark is now durable
        List<Segment> trimmed = new ArrayList<>();
        synchronized (lock) {
            // the newest segment at the mark began at it, so every segment that starts below ends by it
            while (segments.size() > 1 && segments.peekFirst().start() < mark) {
                trimmed.add(segments.pollFirst());
            }
        }
        for (Segment t : trimmed) {
            t.file().close();
            retire(t.path());
        }
        synchronized (lock) {
            checkpointed = Math.max(checkpointed, mark);
            lastCheckpointNanos = System.nanoTime();
            roomWanted = false;
            lock.notifyAll();
        }
    }

    /**
     * A file the log no longer needs: kept as a spare segment if it has a segment's size and
     * fewer than {@link #MAX_SPARES} are kept, deleted otherwise.
     */
    private void retire(Path path) throws IOException {
        boolean keep;
        synchronized (spares) {
            keep = spares.size() < MAX_SPARES && sizeOf(path) == settings.segmentBytes();
        }
        if (!keep) {
            disk.delete(path);
            return;
        }
        Path spare = dir.resolve(SPARE + (spareNames++) + ".seg");
        disk.move(path, spare);
        synchronized (spares) {
            spares.addLast(spare);
        }
    }

    /** N of a file named {@code spare-N.seg}; -1 for any other name. */
    private static int spareNumber(String name) {
        if (!name.startsWith(SPARE) || !name.endsWith(".seg")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(SPARE.length(), name.length() - 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long sizeOf(Path path) throws IOException {
        try (DiskFile f = disk.open(path)) {
            return f.size();
        }
    }

    /**
     * Keeps one spare segment ready, filled with zeros and forced, so that a new segment never
     * grows its file while writes wait for its {@code fdatasync}. On the checkpointer's thread.
     */
    private void prepareSpare() throws IOException {
        synchronized (spares) {
            if (!spares.isEmpty()) {
                return;
            }
        }
        Path spare = dir.resolve(SPARE + (spareNames++) + ".seg");
        disk.delete(spare);
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        try (DiskFile f = disk.createNew(spare)) {
            for (long pos = 0; pos < settings.segmentBytes(); ) {
                if (isClosed()) {
                    return; // the half-filled file is deleted at the next open
                }
                ByteBuffer z = zeros.duplicate();
                z.limit((int) Math.min(z.capacity(), settings.segmentBytes() - pos));
                pos = f.writeFully(z, pos);
            }
            f.force(true);
        }
        synchronized (spares) {
            spares.addLast(spare);
        }
    }

    /** Forces the newest segment whole, then begins the next one at the tail. Under the lock. */
    private void roll() throws IOException {
        segments.peekLast().file().force(false);
        durable = Math.max(durable, tail);
        openSegment(tail);
    }

    private void openSegment(long start) throws IOException {
        Path path = dir.resolve(OpLogFormat.segmentName(start));
        disk.delete(path); // an empty segment left by a crash just after it was begun
        Path spare;
        synchronized (spares) {
            spare = spares.pollFirst();
        }
        DiskFile file;
        if (spare != null) {
            disk.move(spare, path); // stale records in it state older positions: they end the segment
            file = disk.open(path);
        } else {
            file = disk.createNew(path);
        }
        try {
            file.writeFully(OpLogFormat.segmentHeader(start), 0);
            file.writeFully(ByteBuffer.allocate(OpLogFormat.RECORD_HEADER_BYTES), OpLogFormat.SEGMENT_HEADER_BYTES);
            file.force(true);
        } catch (IOException e) {
            file.close();
            throw e;
        }
        segments.addLast(new Segment(start, path, file));
        segmentFill = OpLogFormat.SEGMENT_HEADER_BYTES;
    }

    private void checkUsable() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (segments.isEmpty() && !closed) {
            throw new IOException("operation log is not started");
        }
        if (closed) {
            throw new IOException("operation log is closed");
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void fail(IOException e) {
        synchronized (lock) {
            if (failure == null) {
                failure = new IOException("operation log failed; writes fail until the store is reopened", e);
                log.error("operation log {} failed", dir, e);
            }
            lock.notifyAll();
        }
        completeUpTo(Long.MAX_VALUE, failure);
    }

    /**
     * Stops the threads; every waiting sync completes first (or fails). The caller checkpoints
     * before closing if it wants the log empty; a log closed without is replayed at the next open.
     */
    @Override
    public void close() throws IOException {
        Thread s;
        Thread c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
            s = syncer;
            c = checkpoints;
        }
        synchronized (waiters) {
            waiters.notifyAll();
        }
        join(s);
        join(c);
        synchronized (lock) {
            IOException first = null;
            for (Segment seg : segments) {
                try {
                    seg.file().close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            segments.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
