package io.cairn.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The score of a verbose iscsi-test-cu (libiscsi, CUnit) log, per test: CUnit prints "Suite: S", then
 * "  Test: T ..." followed by the test's own output and "passed" or "FAILED" (right after the "..." or at
 * the start of a later line). A test that printed "[SKIPPED]" and passed counts as skipped (CUnit counts it
 * as passed); a test still open when a line "HUNG" (appended by the watchdog), the next test or the end of
 * the log arrives counts as hung. Suites repeat across families (SCSI, iSCSI, ALL): tallies merge by name.
 */
public record CuScore(int passed, int failed, int skipped, int hung, Map<String, Tally> suites,
                      List<String> problems, List<String> initFailures) {

    /** One suite's counts. */
    public record Tally(int passed, int failed, int skipped, int hung) {
        Tally plus(Outcome outcome) {
            return switch (outcome) {
                case PASSED -> new Tally(passed + 1, failed, skipped, hung);
                case FAILED -> new Tally(passed, failed + 1, skipped, hung);
                case SKIPPED -> new Tally(passed, failed, skipped + 1, hung);
                case HUNG -> new Tally(passed, failed, skipped, hung + 1);
            };
        }
    }

    enum Outcome { PASSED, FAILED, SKIPPED, HUNG }

    public int total() {
        return passed + failed + skipped + hung;
    }

    /** The line the conformance test prints: "passed N failed N skipped N hung N total N". */
    public String summary() {
        return "passed " + passed + " failed " + failed + " skipped " + skipped + " hung " + hung + " total " + total();
    }

    /** Per-suite tallies and every failed or hung test, one per line. */
    public String details() {
        StringBuilder sb = new StringBuilder();
        suites.forEach((name, t) -> sb.append(String.format("  suite %-28s passed %3d failed %3d skipped %3d hung %d%n",
                name, t.passed(), t.failed(), t.skipped(), t.hung())));
        problems.forEach(p -> sb.append("  ").append(p).append('\n'));
        initFailures.forEach(p -> sb.append("  ").append(p).append('\n'));
        return sb.toString();
    }

    /** Scores a verbose (-v, the default) iscsi-test-cu log. */
    public static CuScore of(String log) {
        Scorer scorer = new Scorer();
        for (String raw : log.split("\n", -1)) {
            scorer.line(raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw);
        }
        scorer.finish(Outcome.HUNG);
        return scorer.result();
    }

    /** The line-by-line state machine: in a test or between tests. */
    private static final class Scorer {
        private final int[] counts = new int[Outcome.values().length];
        private final Map<String, Tally> suites = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final List<String> initFailures = new ArrayList<>();
        private String suite = "";
        private String test;
        private boolean skipFlag;

        void line(String line) {
            if (line.startsWith("Suite: ")) {
                finish(Outcome.HUNG);
                suite = line.substring("Suite: ".length());
                return;
            }
            int dots = line.indexOf(" ...");
            if (line.startsWith("  Test: ") && dots > 0) {
                finish(Outcome.HUNG);
                test = line.substring("  Test: ".length(), dots);
                skipFlag = false;
                scan(line.substring(dots + 4));
                return;
            }
            if (line.contains("WARNING - Suite initialization failed")) {
                initFailures.add(line.strip());
            }
            scan(line);
        }

        private void scan(String s) {
            if (test == null) {
                return;
            }
            if (s.startsWith("passed")) {
                finish(Outcome.PASSED);
            } else if (s.startsWith("FAILED")) {
                finish(Outcome.FAILED);
            } else if (s.startsWith("HUNG")) {
                finish(Outcome.HUNG);
            } else if (s.contains("[SKIPPED]")) {
                skipFlag = true;
            }
        }

        void finish(Outcome outcome) {
            if (test == null) {
                return;
            }
            Outcome result = outcome == Outcome.PASSED && skipFlag ? Outcome.SKIPPED : outcome;
            counts[result.ordinal()]++;
            suites.merge(suite, new Tally(0, 0, 0, 0).plus(result), (old, one) -> old.plus(result));
            if (result == Outcome.FAILED || result == Outcome.HUNG) {
                problems.add(result + ": " + suite + "." + test);
            }
            test = null;
            skipFlag = false;
        }

        CuScore result() {
            return new CuScore(counts[Outcome.PASSED.ordinal()], counts[Outcome.FAILED.ordinal()],
                    counts[Outcome.SKIPPED.ordinal()], counts[Outcome.HUNG.ordinal()],
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(suites)),
                    List.copyOf(problems), List.copyOf(initFailures));
        }
    }
}
