package io.cairn.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qemu-io (QEMU's libiscsi initiator) driven with pattern commands: {@code write -P p off len} and
 * {@code read -P p off len}, the read verifying every byte. One qemu-io process is one iSCSI login.
 */
final class QemuIo {

    /** qemu-io commands per process. */
    static final int BATCH = 120;

    private QemuIo() {
    }

    /**
     * Runs the commands in batches and fails on any non-zero exit, any "Pattern verification failed" and any
     * command that did not report {@code done} ("wrote"/"read"); {@code targetOutput} adds the target's log.
     */
    static void run(String url, List<PatternPlan.Write> ranges, Function<PatternPlan.Write, String> command,
                    String done, Supplier<String> targetOutput) throws IOException {
        for (int from = 0; from < ranges.size(); from += BATCH) {
            List<PatternPlan.Write> batch = ranges.subList(from, Math.min(ranges.size(), from + BATCH));
            List<String> commands = new ArrayList<>();
            batch.forEach(w -> commands.add(command.apply(w)));
            ExternalCommand.Result r = once(url, commands, Duration.ofMinutes(3));
            String context = r.describe() + "\ntarget output (tail):\n" + tail(targetOutput.get());
            assertFalse(r.output().contains("Pattern verification failed"), "data mismatch\n" + context);
            assertTrue(r.succeeded(), context);
            assertEquals(batch.size(), completed(r, done), "commands completed\n" + context);
        }
    }

    /** One qemu-io process running {@code commands} in order against {@code url}. */
    static ExternalCommand.Result once(String url, List<String> commands, Duration timeout) throws IOException {
        List<String> args = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        args.add(url);
        return ExternalCommand.run(args, timeout);
    }

    /** How many commands reported completion: qemu-io prints "wrote N/N bytes ..." or "read N/N bytes ...". */
    static long completed(ExternalCommand.Result r, String done) {
        return r.output().lines().filter(l -> l.startsWith(done + " ")).count();
    }

    static String tail(String s) {
        return s.length() > 5000 ? s.substring(s.length() - 5000) : s;
    }
}
