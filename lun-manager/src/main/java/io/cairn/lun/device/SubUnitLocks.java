package io.cairn.lun.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous shared/exclusive locks, one per sub-unit of a LUN. Writes take their sub-units
 * shared; a COMPARE AND WRITE spanning sub-units takes them exclusive. Locks are taken in
 * ascending sub-unit order, so no two requests wait on each other in a cycle; waiters are served
 * first come first served, so a compare-and-write is not starved by a stream of writes. Nothing
 * blocks a thread: acquisition completes a future, possibly on the thread of a releasing request.
 */
final class SubUnitLocks {
    /** Held locks; release exactly once. */
    interface Held {
        void release();
    }

    private final Lock[] locks;

    SubUnitLocks(int subUnits) {
        locks = new Lock[subUnits];
        for (int i = 0; i < subUnits; i++) {
            locks[i] = new Lock();
        }
    }

    /** Acquires sub-units {@code first..last} (inclusive) in ascending order. */
    CompletableFuture<Held> acquire(int first, int last, boolean exclusive) {
        CompletableFuture<Void> chain = locks[first].acquire(exclusive);
        for (int i = first + 1; i <= last; i++) {
            Lock next = locks[i];
            chain = chain.thenCompose(v -> next.acquire(exclusive));
        }
        return chain.thenApply(v -> () -> {
            for (int i = last; i >= first; i--) {
                locks[i].release(exclusive);
            }
        });
    }

    private static final class Lock {
        private record Waiter(boolean exclusive, CompletableFuture<Void> granted) {}

        private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        private int readers;
        private boolean writer;

        CompletableFuture<Void> acquire(boolean exclusive) {
            synchronized (this) {
                if (waiting.isEmpty() && grantable(exclusive)) {
                    grant(exclusive);
                    return CompletableFuture.completedFuture(null);
                }
                Waiter w = new Waiter(exclusive, new CompletableFuture<>());
                waiting.add(w);
                return w.granted();
            }
        }

        void release(boolean exclusive) {
            List<CompletableFuture<Void>> granted = new ArrayList<>();
            synchronized (this) {
                if (exclusive) {
                    writer = false;
                } else {
                    readers--;
                }
                while (!waiting.isEmpty() && grantable(waiting.peek().exclusive())) {
                    Waiter w = waiting.poll();
                    grant(w.exclusive());
                    granted.add(w.granted());
                }
            }
            granted.forEach(f -> f.complete(null)); // outside the monitor: continuations run here
        }

        private boolean grantable(boolean exclusive) {
            return exclusive ? !writer && readers == 0 : !writer;
        }

        private void grant(boolean exclusive) {
            if (exclusive) {
                writer = true;
            } else {
                readers++;
            }
        }
    }
}
