package io.cairn.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an external program (an initiator, a tgt script) with every wait bounded: a global timeout and,
 * optionally, an idle timeout (no output for that long means the program hangs).
 */
final class ExternalCommand {

    /** What a finished (or killed) program left behind. */
    record Result(List<String> command, int exitCode, String output, boolean timedOut, boolean idleKilled) {
        boolean succeeded() {
            return exitCode == 0 && !timedOut && !idleKilled;
        }

        /** The command line and its output, for failure messages. */
        String describe() {
            String tail = output.length() > 20_000 ? "...\n" + output.substring(output.length() - 20_000) : output;
            return String.join(" ", command) + " -> exit " + exitCode
                    + (timedOut ? " (TIMED OUT)" : "") + (idleKilled ? " (IDLE, killed)" : "") + "\n" + tail;
        }
    }

    private ExternalCommand() {
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program));
    }

    static Result run(List<String> command, Duration timeout) throws IOException {
        return run(command, timeout, null, null);
    }

    /**
     * Runs {@code command} to completion, killing it (and its children) after {@code timeout}, or after
     * {@code idle} without a byte of output when idle is not null. Output (stdout and stderr merged) is
     * collected and, when {@code log} is not null, also streamed to that file as it arrives.
     */
    static Result run(List<String> command, Duration timeout, Duration idle, Path log) throws IOException {
        return run(command, timeout, idle, log, Map.of());
    }

    /** As {@link #run(List, Duration, Duration, Path)}, with {@code environment} added to this JVM's. */
    static Result run(List<String> command, Duration timeout, Duration idle, Path log,
                      Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        StringBuffer output = new StringBuffer();
        AtomicLong lastOutput = new AtomicLong(System.nanoTime());
        OutputStream logStream = log == null ? OutputStream.nullOutputStream() : Files.newOutputStream(log);
        Thread pump = new Thread(() -> pump(process.getInputStream(), output, logStream, lastOutput),
                "pump-" + command.get(0));
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean timedOut = false;
        boolean idleKilled = false;
        try {
            while (true) {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    break;
                }
                long now = System.nanoTime();
                if (now > deadline) {
                    timedOut = true;
                } else if (idle != null && now - lastOutput.get() > idle.toNanos()) {
                    idleKilled = true;
                }
                if (timedOut || idleKilled) {
                    killTree(process.toHandle());
                    process.waitFor(10, TimeUnit.SECONDS);
                    break;
                }
            }
            pump.join(5_000);
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        } finally {
            logStream.close();
        }
        int exit = process.isAlive() ? -1 : process.exitValue();
        return new Result(List.copyOf(command), exit, output.toString(), timedOut, idleKilled);
    }

    /** SIGKILL a process and every descendant (a launcher script may not exec its JVM). */
    static void killTree(ProcessHandle handle) {
        List<ProcessHandle> all = new ArrayList<>();
        handle.descendants().forEach(all::add);
        all.add(handle);
        all.forEach(ProcessHandle::destroyForcibly);
    }

    private static void pump(InputStream in, StringBuffer output, OutputStream log, AtomicLong lastOutput) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                lastOutput.set(System.nanoTime());
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                log.write(buffer, 0, n);
                log.flush();
            }
        } catch (IOException e) {
            // The process ended or was killed: what was read so far is the output.
        }
    }
}
