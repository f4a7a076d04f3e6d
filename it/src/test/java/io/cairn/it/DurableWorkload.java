package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.it.RawIscsiSession.ScsiReply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers that make durable writes (WRITE(10) with FUA, and plain writes followed by SYNCHRONIZE
 * CACHE) through real iSCSI sessions and remember, per block, every value written and the oldest
 * one still allowed after a crash: the last one acknowledged durable (a FUA write acknowledged, or
 * a write completed before a SYNCHRONIZE CACHE that was acknowledged). {@link #check} reads every
 * block back and fails on a block older than that, or holding anything never written there: each
 * block carries its write's id and its own address, and a pattern of both.
 *
 * <p>Each writer owns the blocks {@code lba % writers == its index} of the region, so the order of
 * the values of one block is the order its writer issued them.
 */
final class DurableWorkload {
    interface Sessions {
        RawIscsiSession open() throws IOException;
    }

    private final Sessions sessions;
    private final long firstLba;
    private final int blocks;
    private final int writers;
    private final int blockSize;
    private final Random random;
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();
    private final List<List<Long>> history = new ArrayList<>();
    private final int[] floor;
    private final int[] completed;
    private boolean crashed;
    private long durableAcks;
    private final List<Thread> running = new ArrayList<>();
    private final List<RawIscsiSession> open = new ArrayList<>();

    DurableWorkload(Sessions sessions, long firstLba, int blocks, int writers, int blockSize, long seed) {
        this.sessions = sessions;
        this.firstLba = firstLba;
        this.blocks = blocks;
        this.writers = writers;
        this.blockSize = blockSize;
        this.random = new Random(seed);
        this.floor = new int[blocks];
        this.completed = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            List<Long> h = new ArrayList<>();
            h.add(-1L); // never written by this workload: whatever the LUN held, checked at the first check
            history.add(h);
        }
    }

    long durableAcks() {
        synchronized (lock) {
            return durableAcks;
        }
    }

    /** Starts the writers; each runs until its session fails (the target died) or {@link #stop}. */
    void start() throws IOException {
        synchronized (lock) {
            crashed = false;
        }
        for (int w = 0; w < writers; w++) {
            RawIscsiSession s = sessions.open();
            open.add(s);
            int owner = w;
            long seed = random.nextLong();
            Thread t = new Thread(() -> run(s, owner, new Random(seed)), "durable-writer-" + w);
            t.start();
            running.add(t);
        }
    }

    /** From now on no acknowledgement counts (the caller is about to kill, or has killed, the target). */
    void crash() {
        synchronized (lock) {
            crashed = true;
        }
    }

    /** Waits for the writers to end (after a crash their sessions fail) and closes their sessions. */
    void stop() throws InterruptedException {
        crash();
        for (RawIscsiSession s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the connection was already gone
            }
        }
        for (Thread t : running) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "a writer did not end");
        }
        running.clear();
        open.clear();
    }

    private void run(RawIscsiSession s, int owner, Random r) {
        try {
            while (true) {
                synchronized (lock) {
                    if (crashed) {
                        return;
                    }
                }
                if (r.nextInt(8) == 0) {
                    flush(s);
                    continue;
                }
                int count = 1 + r.nextInt(8);
                int first = owner + writers * r.nextInt(blocks / writers);
                List<Integer> mine = new ArrayList<>();
                for (int b = first; b < blocks && mine.size() < count; b += writers) {
                    mine.add(b);
                }
                boolean fua = r.nextBoolean();
                for (int b : mine) { // one WRITE(10) per block: the blocks of a writer are not adjacent
                    long id = ids.incrementAndGet();
                    int index;
                    synchronized (lock) {
                        history.get(b).add(id);
                        index = history.get(b).size() - 1;
                    }
                    byte[] cdb = RawIscsiSession.cdb10(0x2a, firstLba + b, 1);
                    if (fua) {
                        cdb[1] |= 0x08;
                    }
                    ScsiReply reply = s.command(cdb, content(id, firstLba + b), 0);
                    if (!reply.good()) {
                        return; // e.g. the LUN not ready during a failover: nothing was acknowledged
                    }
                    synchronized (lock) {
                        if (crashed) {
                            return;
                        }
                        completed[b] = Math.max(completed[b], index);
                        if (fua) {
                            floor[b] = Math.max(floor[b], index);
                            durableAcks++;
                        }
                    }
                }
            }
        } catch (IOException targetGone) {
            // the session died with the target
        }
    }

    private void flush(RawIscsiSession s) throws IOException {
        int[] covered;
        synchronized (lock) {
            covered = completed.clone();
        }
        ScsiReply reply = s.command(new byte[] {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 0);
        if (!reply.good()) {
            throw new IOException("SYNCHRONIZE CACHE status " + reply.status());
        }
        synchronized (lock) {
            if (crashed) {
                return;
            }
            for (int b = 0; b < blocks; b++) {
                floor[b] = Math.max(floor[b], covered[b]);
            }
            durableAcks++;
        }
    }

    /** Reads the region back and checks every block; what it read becomes each block's new baseline. */
    void check(RawIscsiSession s, String when) throws IOException {
        for (int at = 0; at < blocks; at += 128) {
            int n = Math.min(128, blocks - at);
            ScsiReply read = s.read10(firstLba + at, n);
            if (!read.good()) {
                fail(when + ": READ(10) at " + (firstLba + at) + " status " + read.status());
            }
            for (int i = 0; i < n; i++) {
                int b = at + i;
                byte[] got = Arrays.copyOfRange(read.data(), i * blockSize, (i + 1) * blockSize);
                long id = ByteBuffer.wrap(got).getLong();
                boolean written = id > 0 && Arrays.equals(got, content(id, firstLba + b));
                synchronized (lock) {
                    List<Long> h = history.get(b);
                    List<Long> allowed = h.subList(floor[b], h.size());
                    boolean unknownStart = allowed.contains(-1L) && !written;
                    if (!unknownStart && !(written && allowed.contains(id))) {
                        fail(when + ": block " + (firstLba + b) + " reads as " + (written ? "write " + id
                                : "data no write of this workload wrote there") + "; allowed " + allowed);
                    }
                    h.clear();
                    h.add(written ? id : -1L);
                    floor[b] = 0;
                    completed[b] = 0;
                }
            }
        }
    }

    byte[] content(long id, long lba) {
        ByteBuffer b = ByteBuffer.allocate(blockSize);
        b.putLong(id).putLong(lba);
        Random r = new Random(id * 1_000_003L + lba);
        while (b.hasRemaining()) {
            b.put((byte) r.nextInt(256));
        }
        return b.array();
    }
}
