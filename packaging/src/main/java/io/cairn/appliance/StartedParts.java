package io.cairn.appliance;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a role has started so far, closed in reverse order of start: once when the process stops,
 * or at once when a later part fails to start. A part that fails to close is logged and the rest
 * are still closed.
 */
final class StartedParts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StartedParts.class);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Remembers {@code part} for closing; returns it. */
    synchronized <T extends AutoCloseable> T add(T part) {
        parts.push(part);
        return part;
    }

    @Override
    public void close() {
        while (true) {
            AutoCloseable c;
            synchronized (this) {
                if (parts.isEmpty()) {
                    return;
                }
                c = parts.pop();
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", c, e.toString());
            }
        }
    }

    /**
     * Closes {@code parts} when the process is asked to stop (SIGTERM, Ctrl-C); the latch opens once
     * they are closed, so a command's main thread can wait on it and then exit.
     */
    static CountDownLatch closeOnShutdown(AutoCloseable parts) {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                parts.close();
            } catch (Exception e) {
                log.warn("error while stopping: {}", e.toString());
            } finally {
                closed.countDown();
            }
        }, "cairn-shutdown"));
        return closed;
    }

    /** Daemon threads named {@code prefix1}, {@code prefix2}, ...: a stopping process never waits for them. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
