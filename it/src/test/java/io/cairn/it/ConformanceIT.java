package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole libiscsi conformance suite ({@code iscsi-test-cu -d URL URL}: two URLs to the same LUN for the
 * multi-initiator tests, -d for the data-loss tests) against the appliance, scored per test by
 * {@link CuScore}. The log is kept in {@code it/target/iscsi-test-cu-<target>.log}.
 */
class ConformanceIT {

    /**
     * Suites for commands the appliance deliberately does not implement: failures there do not fail the
     * build. Every other suite in the log must have zero FAILED tests.
     */
    static final Set<String> NOT_IMPLEMENTED_SUITES = Set.of(
            "ExtendedCopy", "ReceiveCopyResults", "Sanitize", "WriteAtomic16", "OrWrite",
            "ReadDefectData10", "ReadDefectData12");

    /** tgt's counts (libiscsi 1.19, Debian 12): the appliance must do better. */
    static final int MAX_FAILED = 20;
    static final int MAX_SKIPPED = 147;

    private static final Duration GLOBAL_TIMEOUT =
            Duration.ofMinutes(Long.getLong("cairn.it.conformanceTimeoutMinutes", 30));
    private static final Duration IDLE_TIMEOUT =
            Duration.ofSeconds(Long.getLong("cairn.it.conformanceIdleSeconds", 60));

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void wholeLibiscsiSuite() throws IOException {
        assumeTrue(ExternalCommand.onPath("iscsi-test-cu"), "iscsi-test-cu missing (apt-get install libiscsi-bin)");
        try (Appliance appliance = Appliance.start(Appliance.Options.defaults().withSizes("1G", "64M"))) {
            assertConformance(appliance.url(), appliance.kind().name().toLowerCase(), appliance::isRunning,
                    appliance::output);
        }
    }

    /**
     * Runs the whole suite against {@code url} (log in {@code it/target/iscsi-test-cu-<logName>.log}) and asserts
     * the score: the target alive afterwards, some tests ran, none hung, fewer failures and skips than tgt, and
     * no failure outside {@link #NOT_IMPLEMENTED_SUITES}. {@code targetOutput} is shown when the target died.
     */
    static void assertConformance(String url, String logName, BooleanSupplier targetAlive,
                                  Supplier<String> targetOutput) throws IOException {
        Path log = Appliance.moduleDir().resolve("target/iscsi-test-cu-" + logName + ".log");
        List<String> command = new ArrayList<>();
        // Line-buffered stdout, so the idle watchdog sees each test as it runs, not 4 KiB later.
        if (ExternalCommand.onPath("stdbuf")) {
            command.addAll(List.of("stdbuf", "-oL", "-eL"));
        }
        command.addAll(List.of("iscsi-test-cu", "-d", url, url));
        ExternalCommand.Result run = ExternalCommand.run(command, GLOBAL_TIMEOUT, IDLE_TIMEOUT, log);
        if (run.timedOut() || run.idleKilled()) {
            Files.writeString(log, "\nHUNG\n", java.nio.file.StandardOpenOption.APPEND);
        }
        CuScore score = CuScore.of(Files.readString(log));
        System.out.println("iscsi-test-cu: " + score.summary() + " (log " + log + ")");
        System.out.print(score.details());

        List<String> failedInRequiredSuites = new ArrayList<>();
        for (Map.Entry<String, CuScore.Tally> suite : score.suites().entrySet()) {
            if (!NOT_IMPLEMENTED_SUITES.contains(suite.getKey()) && suite.getValue().failed() > 0) {
                failedInRequiredSuites.add(suite.getKey() + " (" + suite.getValue().failed() + " failed)");
            }
        }
        boolean alive = targetAlive.getAsBoolean();
        String context = score.summary() + "\n" + score.details()
                + (alive ? "" : "\ntarget output:\n" + targetOutput.get());
        assertAll(
                () -> assertTrue(alive, "the target died during the conformance run\n" + context),
                () -> assertTrue(score.total() > 0, "no test ran: " + run.describe()),
                () -> assertEquals(0, score.hung(), "hung tests\n" + context),
                () -> assertTrue(score.failed() < MAX_FAILED, "failed " + score.failed() + " >= " + MAX_FAILED + "\n" + context),
                () -> assertTrue(score.skipped() < MAX_SKIPPED, "skipped " + score.skipped() + " >= " + MAX_SKIPPED + "\n" + context),
                () -> assertEquals(List.of(), failedInRequiredSuites, "FAILED in required suites\n" + context));
    }
}
