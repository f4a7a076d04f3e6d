package io.cairn.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks of a sub-unit's replication blocks, striped: block {@code g} is guarded by stripe
 * {@code g % STRIPES}. A range takes its stripes in ascending order, so two lockers never deadlock.
 */
final class StripeLocks {
    static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    StripeLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Locks replication blocks {@code first..last}; close the result to unlock. */
    Held lock(int first, int last) {
        boolean[] need = new boolean[STRIPES];
        if (last - first + 1 >= STRIPES) {
            Arrays.fill(need, true);
        } else {
            for (int g = first; g <= last; g++) {
                need[g % STRIPES] = true;
            }
        }
        List<ReentrantLock> held = new ArrayList<>();
        for (int i = 0; i < STRIPES; i++) {
            if (need[i]) {
                stripes[i].lock();
                held.add(stripes[i]);
            }
        }
        return () -> {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        };
    }

    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
