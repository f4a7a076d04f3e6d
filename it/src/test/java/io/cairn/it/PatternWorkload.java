package io.cairn.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A verified background workload: iteration after iteration, one qemu-io process writes a new pattern over
 * the same fixed ranges and reads every range back verified. Stops at the first failure (non-zero exit,
 * pattern mismatch, a command that did not complete) and keeps it. Because every iteration rewrites the
 * same ranges, an iteration that started after some instant has rewritten every block of the ranges after
 * it: the tests count exactly which replication blocks changed while a store was away.
 */
final class PatternWorkload implements AutoCloseable {

    private final String url;
    private final List<PatternPlan.Write> ranges;
    private final Thread thread;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile int lastPattern = -1;

    /** Starts the workload over {@code ranges} (their own patterns are ignored: each iteration has one). */
    PatternWorkload(String url, List<PatternPlan.Write> ranges) {
        this.url = url;
        this.ranges = List.copyOf(ranges);
        this.thread = new Thread(this::loop, "pattern-workload");
        thread.setDaemon(true);
        thread.start();
    }

    /** The pattern iteration {@code n} (counted from 1) writes: never 0, so a lost write cannot read as a hole. */
    static int pattern(int n) {
        return 0x20 + n % 0x40;
    }

    /** Iterations begun so far (the one in flight included). */
    int started() {
        return started.get();
    }

    /** Iterations that wrote and read back every range without error. */
    int completed() {
        return completed.get();
    }

    /** The first failure, with the qemu-io command line and output, or null. */
    String failure() {
        return failure.get();
    }

    /** What the ranges hold after the workload stopped: the last completed iteration's pattern. */
    List<PatternPlan.Write> content() {
        List<PatternPlan.Write> content = new ArrayList<>();
        ranges.forEach(r -> content.add(new PatternPlan.Write(r.offset(), r.length(), lastPattern)));
        return content;
    }

    /**
     * Waits, at most {@code timeout}, until {@code condition} holds or the workload failed; returns whether
     * the condition holds.
     */
    boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (failure() != null || !thread.isAlive() || System.nanoTime() > deadline) {
                return condition.getAsBoolean();
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Lets the iteration in flight finish (bounded) and stops; nothing writes afterwards. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(Duration.ofMinutes(4).toMillis());
        if (thread.isAlive()) {
            failure.compareAndSet(null, "workload iteration did not finish within 4 minutes of stop");
            thread.interrupt();
        }
    }

    private void loop() {
        while (!stopping && failure.get() == null) {
            int n = started.incrementAndGet();
            int pattern = pattern(n);
            List<String> commands = new ArrayList<>();
            for (PatternPlan.Write r : ranges) {
                commands.add(new PatternPlan.Write(r.offset(), r.length(), pattern).qemuWrite());
            }
            for (PatternPlan.Write r : ranges) {
                commands.add(new PatternPlan.Write(r.offset(), r.length(), pattern).qemuRead());
            }
            try {
                ExternalCommand.Result r = QemuIo.once(url, commands, Duration.ofMinutes(3));
                boolean ok = r.succeeded() && !r.output().contains("Pattern verification failed")
                        && QemuIo.completed(r, "wrote") == ranges.size() && QemuIo.completed(r, "read") == ranges.size();
                if (!ok) {
                    failure.compareAndSet(null, "iteration " + n + " (pattern 0x" + Integer.toHexString(pattern)
                            + ") failed: " + r.describe());
                    return;
                }
                lastPattern = pattern;
                completed.incrementAndGet();
            } catch (IOException e) {
                failure.compareAndSet(null, "iteration " + n + ": " + e);
                return;
            }
        }
    }
}
