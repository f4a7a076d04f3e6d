package io.cairn.store.oplog;

import io.cairn.store.disk.Disk;
import io.cairn.store.disk.DiskFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InterruptedIOException;
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

    /** Forces every block file and version map changed since the last time; the store's. */
    @FunctionalInterface
    public interface Checkpointer {
        void forceChanged() throws IOException;
    }

    private record Segment(long start, Path path, DiskFile file) {
    }

    private record Waiter(long lsn, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final SegmentFiles files;
    private final OpLogSettings settings;
    /** The change source fed by every change, or null. */
    private final ChangeCursors changes;
    private final Object lock = new Object();
    /** Oldest first; the last is the one appended to. Guarded by {@link #lock}. */
    private final Deque<Segment> segments = new ArrayDeque<>();
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

    private FileOpLog(Disk disk, Path dir, OpLogSettings settings, ChangeCursors changes) {
        this.dir = dir;
        this.changes = changes;
        this.settings = settings;
        this.files = new SegmentFiles(disk, dir, settings.segmentBytes());
    }

    /**
     * Opens the log in {@code dir} and replays every record it holds, oldest first, into
     * {@code replay}; a torn tail is cut. The caller makes what {@code replay} did durable, then
     * calls {@link #start}. Fails if a segment other than the newest is corrupt.
     */
    public static FileOpLog open(Disk disk, Path dir, OpLogSettings settings, Consumer<LogRecord> replay)
            throws IOException {
        return open(disk, dir, settings, replay, null);
    }

    /**
     * As above, feeding {@code changes} (if not null) every change noted from now on and every
     * change of the records replayed; {@link #start} and every checkpoint write its cursors before
     * they drop records.
     */
    public static FileOpLog open(Disk disk, Path dir, OpLogSettings settings, Consumer<LogRecord> replay,
                                 ChangeCursors changes) throws IOException {
        disk.createDirectories(dir);
        FileOpLog opLog = new FileOpLog(disk, dir, settings, changes);
        opLog.recovery = opLog.files.replay(replay, changes == null ? r -> { } : opLog::noteReplayed);
        return opLog;
    }

    private void noteReplayed(LogRecord record) {
        for (LogRecord.Effect e : record.effects()) {
            if (e instanceof LogRecord.Versions v) {
                changes.noted(record.subUnit(), v.first(), v.last());
            }
        }
    }

    @Override
    public void noteChanged(String subUnit, int first, int last) {
        if (changes != null) {
            changes.noted(subUnit, first, last);
        }
    }

    @Override
    public boolean recordsEveryChange() {
        return changes != null && changes.active();
    }

    public Recovery recovery() {
        return recovery;
    }

    /**
     * Starts the log after recovery: a new segment at the recovered end, the old ones deleted (the
     * caller has made what they held durable), the syncer and checkpointer running.
     */
    public void start(Checkpointer checkpointer) throws IOException {
        if (changes != null) {
            changes.persist(); // what the replayed records changed, before they go
        }
        synchronized (lock) {
            this.checkpointer = checkpointer;
            tail = recovery.to();
            // first the segment at the position (some segment always names it: the positions go on
            // from there after any crash), then the replayed ones go
            openSegment(tail);
            files.retireAllBut(tail);
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
                    // the checkpoint's own marks never wait: it is what makes room
                    if (live == 0 || live + bytes <= settings.capacityBytes() || Thread.currentThread() == checkpointing) {
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

    private volatile long lastSyncRequest = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);

    @Override
    public boolean syncedRecently() {
        return System.nanoTime() - lastSyncRequest < settings.loggedAfterSync().toNanos();
    }

    @Override
    public void syncComing() {
        lastSyncRequest = System.nanoTime();
    }

    @Override
    public CompletableFuture<Void> sync(long lsn) {
        lastSyncRequest = System.nanoTime();
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
                files.prepareSpare(this::isClosed);
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
        synchronized (oneCheckpoint) { // the loop's, the store's at close, a new change cursor's
            checkpointing = Thread.currentThread();
            try {
                checkpointOnce();
            } finally {
                checkpointing = null;
            }
        }
    }

    private final Object oneCheckpoint = new Object();
    private final java.util.concurrent.atomic.AtomicLong trimmedSegments = new java.util.concurrent.atomic.AtomicLong();

    /** Segments checkpoints have trimmed since the log started. */
    public long trimmedSegments() {
        return trimmedSegments.get();
    }

    /** The thread running {@link #checkpoint}, whose appends (forced marks) do not wait for room. */
    private volatile Thread checkpointing;

    private void checkpointOnce() throws IOException {
        long mark;
        synchronized (lock) {
            checkUsable();
            if (segmentFill > OpLogFormat.SEGMENT_HEADER_BYTES) {
                roll();
            }
            mark = tail;
        }
        checkpointer.forceChanged(); // every effect of every record below the mark is now durable
        if (changes != null) {
            changes.persist(); // every change below the mark was noted before its record: now in the cursors' files
        }
        List<Segment> trimmed = new ArrayList<>();
        synchronized (lock) {
            // the newest segment at the mark began at it, so every segment that starts below ends by it
            while (segments.size() > 1 && segments.peekFirst().start() < mark) {
                trimmed.add(segments.pollFirst());
            }
        }
        for (Segment t : trimmed) {
            t.file().close();
            files.retire(t.path());
            trimmedSegments.incrementAndGet();
        }
        synchronized (lock) {
            checkpointed = Math.max(checkpointed, mark);
            lastCheckpointNanos = System.nanoTime();
            roomWanted = false;
            lock.notifyAll();
        }
    }

    /** Forces the newest segment whole, then begins the next one at the tail. Under the lock. */
    private void roll() throws IOException {
        segments.peekLast().file().force(false);
        durable = Math.max(durable, tail);
        openSegment(tail);
    }

    private void openSegment(long start) throws IOException {
        segments.addLast(new Segment(start, files.path(start), files.begin(start)));
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
