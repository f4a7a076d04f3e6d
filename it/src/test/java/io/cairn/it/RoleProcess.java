package io.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One long-running Cairn role ({@code cairn zookeeper}, {@code store}, {@code gateway} or {@code run}) as a
 * child process: started with a fixed command line, ready when it prints its ready line on stdout, stopped by
 * SIGTERM (it must exit) or SIGKILL, and started again with the same command line (same data directory and
 * port). Output (stdout and stderr merged) is kept across restarts for failure messages.
 */
final class RoleProcess {

    /** Raised when the process exits or stays silent instead of printing its ready line. */
    static final class NotReady extends IOException {
        NotReady(String message) {
            super(message);
        }
    }

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Pattern ready;
    private final StringBuffer output = new StringBuffer();
    private Process process;
    private volatile Matcher readyMatch;
    private volatile boolean paused;

    RoleProcess(String name, List<String> command, Map<String, String> environment, Pattern ready) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.ready = ready;
    }

    String name() {
        return name;
    }

    /** The ready line's match (groups as the pattern defines), or null before the first ready line. */
    Matcher readyMatch() {
        return readyMatch;
    }

    /** Launches the command and waits, at most {@code timeout}, for the ready line. */
    void start(Duration timeout) throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        output.append("$ ").append(String.join(" ", command)).append('\n');
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process started = builder.start();
        started.getOutputStream().close();
        process = started;
        CompletableFuture<Matcher> readyLine = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(started, readyLine), "output-" + name);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    readyMatch = readyLine.get(200, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException notYet) {
                    if (!started.isAlive()) {
                        reader.join(2_000);
                        throw new NotReady(name + " exited with " + started.exitValue()
                                + " before it was ready; output:\n" + output());
                    }
                    if (System.nanoTime() > deadline) {
                        ExternalCommand.killTree(started.toHandle());
                        throw new NotReady(name + " not ready within " + timeout.toSeconds() + " s; output:\n" + output());
                    }
                }
            }
        } catch (InterruptedException e) {
            ExternalCommand.killTree(started.toHandle());
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name, e);
        } catch (ExecutionException e) {
            throw new IOException(name + ": output reader failed", e.getCause());
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * SIGTERM to the process and its descendants (in case the launcher script did not exec the JVM).
     * Returns false, after killing the tree, when it did not exit within {@code timeout}: a role must exit on
     * SIGTERM, so the caller reports that as a failure.
     */
    boolean stop(Duration timeout) {
        if (!isAlive()) {
            return true;
        }
        List<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroy);
        if (paused) {
            tree.forEach(p -> continueQuietly(p.pid())); // a paused process handles SIGTERM only once continued
        }
        boolean exited = tree.stream().allMatch(p -> awaitExit(p, timeout));
        if (!exited) {
            ExternalCommand.killTree(process.toHandle());
            tree.forEach(p -> awaitExit(p, Duration.ofSeconds(10)));
            output.append("---- did not exit within ").append(timeout.toSeconds()).append(" s of SIGTERM: killed ----\n");
        } else {
            // The handle's onExit can fire before the Process object has reaped the exit status: ask it, bounded.
            output.append("---- stopped (SIGTERM), exit ").append(exitStatus()).append(" ----\n");
        }
        return exited;
    }

    /**
     * SIGSTOP to the process and its descendants: it is frozen as by a long GC pause or a stopped VM, its
     * sockets stay open and peers' data queues in the kernel. {@link #resume()} lets it run on.
     */
    void pause() throws IOException {
        signal("STOP");
        paused = true;
        output.append("---- paused (SIGSTOP) ----\n");
    }

    /** SIGCONT to the process and its descendants, after {@link #pause()}. */
    void resume() throws IOException {
        signal("CONT");
        paused = false;
        output.append("---- resumed (SIGCONT) ----\n");
    }

    private void signal(String name) throws IOException {
        if (!isAlive()) {
            throw new IllegalStateException(this.name + " is not running");
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-" + name));
        tree().forEach(p -> kill.add(Long.toString(p.pid())));
        ExternalCommand.Result r = ExternalCommand.run(kill, Duration.ofSeconds(10));
        if (!r.succeeded()) {
            throw new IOException("kill -" + name + " " + this.name + ": " + r.describe());
        }
    }

    /** SIGKILL the process and its descendants and wait until they are gone: nothing it acknowledged may be lost. */
    void kill9() {
        if (!isAlive()) {
            return;
        }
        List<ProcessHandle> tree = tree();
        ExternalCommand.killTree(process.toHandle());
        tree.forEach(p -> awaitExit(p, Duration.ofSeconds(10)));
        output.append("---- killed (SIGKILL) ----\n");
    }

    /** Everything the process printed so far, over all its starts. */
    String output() {
        return output.toString();
    }

    /** The last {@code chars} characters of the output, for failure messages that name many processes. */
    String outputTail(int chars) {
        String all = output();
        return all.length() > chars ? "..." + all.substring(all.length() - chars) : all;
    }

    private static void continueQuietly(long pid) {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): nothing was paused by this harness either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        return tree;
    }

    private void readOutput(Process started, CompletableFuture<Matcher> readyLine) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = ready.matcher(line);
                if (!readyLine.isDone() && m.find()) {
                    readyLine.complete(m);
                }
            }
        } catch (IOException e) {
            output.append("(output closed: ").append(e).append(")\n");
        }
    }

    private String exitStatus() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
