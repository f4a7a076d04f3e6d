package io.cairn.store.oplog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link OpLog} in memory, for tests of what stands on a log: it keeps a copy of every record
 * with its end position, and completes syncs at once, or, while {@link #holdSyncs} is set, only
 * when {@link #releaseSyncs} is called, so a test can see that a durable write waits for its sync.
 * Positions advance by each record's encoded size, as in the file log.
 */
public final class MemoryOpLog implements OpLog {
    /** A record as appended, with the position after it. */
    public record Entry(LogRecord record, long end) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private long tail;
    private long durable;
    private boolean hold;
    private int syncs;

    private record Held(long lsn, CompletableFuture<Void> done) {
    }

    @Override
    public synchronized long append(LogRecord record) {
        List<LogRecord.Effect> copied = new ArrayList<>();
        for (LogRecord.Effect e : record.effects()) {
            if (e instanceof LogRecord.Data d) {
                ByteBuf copy = Unpooled.copiedBuffer(d.data());
                copied.add(new LogRecord.Data(d.offset(), copy));
            } else {
                copied.add(e);
            }
        }
        tail += OpLogFormat.encodedBytes(record);
        entries.add(new Entry(new LogRecord(record.subUnit(), copied), tail));
        return tail;
    }

    @Override
    public synchronized long appended() {
        return tail;
    }

    @Override
    public synchronized CompletableFuture<Void> sync(long lsn) {
        syncs++;
        if (lsn <= durable) {
            return CompletableFuture.completedFuture(null);
        }
        if (hold) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.add(new Held(lsn, f));
            return f;
        }
        durable = tail;
        return CompletableFuture.completedFuture(null);
    }

    /** While set, syncs wait for {@link #releaseSyncs}. */
    public synchronized void holdSyncs(boolean on) {
        hold = on;
    }

    /** Makes everything appended durable and completes every held sync. */
    public void releaseSyncs() {
        List<Held> ready;
        synchronized (this) {
            durable = tail;
            ready = List.copyOf(held);
            held.clear();
        }
        ready.forEach(h -> h.done().complete(null));
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized long durable() {
        return durable;
    }

    /** Calls of {@link #sync} so far. */
    public synchronized int syncs() {
        return syncs;
    }

    @Override
    public void close() {
    }
}
