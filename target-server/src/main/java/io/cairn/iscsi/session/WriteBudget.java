package io.cairn.iscsi.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Bytes of solicited write data the whole gateway may buffer at once. A write reserves all the
 * data it will solicit before its first R2T, first come first served, so tasks never hold part of
 * the budget while waiting for the rest (no deadlock), and a hostile initiator cannot make the
 * gateway buffer more than this. Thread-safe; grants run on the releasing thread and must hop to
 * their own event loop.
 */
public final class WriteBudget {

    private record Waiter(long bytes, Runnable grant) {}

    private final long capacity;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long used;

    public WriteBudget(long capacity) {
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    /**
     * Takes {@code bytes} now and returns true, or queues {@code grant} to run once they are taken
     * for the caller and returns false. {@code bytes} must not exceed {@link #capacity()}.
     */
    public synchronized boolean acquire(long bytes, Runnable grant) {
        if (bytes > capacity) {
            throw new IllegalArgumentException(bytes + " bytes exceed the write budget of " + capacity);
        }
        if (waiters.isEmpty() && used + bytes <= capacity) {
            used += bytes;
            return true;
        }
        waiters.add(new Waiter(bytes, grant));
        return false;
    }

    /** Withdraws a queued request (its task ended first); returns whether it was still queued. */
    public synchronized boolean cancel(Runnable grant) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            if (it.next().grant() == grant) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    public void release(long bytes) {
        List<Runnable> granted = new ArrayList<>();
        synchronized (this) {
            used -= bytes;
            while (!waiters.isEmpty() && used + waiters.peek().bytes() <= capacity) {
                Waiter w = waiters.poll();
                used += w.bytes();
                granted.add(w.grant());
            }
        }
        granted.forEach(Runnable::run);
    }

    public synchronized long used() {
        return used;
    }
}
