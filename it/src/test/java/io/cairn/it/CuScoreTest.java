package io.cairn.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CuScoreTest {

    private static final String SAMPLE = String.join("\n",
            "found matching LU device identifier for all (2) paths",
            "     CUnit - A unit testing framework for C - Version 2.1-3",
            "Suite: CompareAndWrite",
            "  Test: Simple ...    [SKIPPED] COMPAREANDWRITE is not implemented.",
            "    [SKIPPED] COMPAREANDWRITE is not implemented.",
            "passed",
            "  Test: Miscompare ...passed",
            "Suite: Read10",
            "  Test: Simple ...passed",
            "  Test: BeyondEol ...",
            "    some output of the test",
            "FAILED",
            "    1. test_read10_beyond_eol.c:40  - CU_ASSERT_EQUAL(ret,0)",
            "Suite: CompareAndWrite",
            "  Test: Simple ...passed",
            "",
            "Run Summary:    Type  Total    Ran Passed Failed Inactive",
            "               tests      5      5      4      1        0",
            "");

    @Test
    void countsPassedFailedAndSkippedPerTest() {
        CuScore score = CuScore.of(SAMPLE);
        assertEquals("passed 3 failed 1 skipped 1 hung 0 total 5", score.summary());
        assertEquals(List.of("FAILED: Read10.BeyondEol"), score.problems());
    }

    @Test
    void mergesRepeatedSuitesByName() {
        CuScore score = CuScore.of(SAMPLE);
        assertEquals(List.of("CompareAndWrite", "Read10"), List.copyOf(score.suites().keySet()));
        assertEquals(new CuScore.Tally(2, 0, 1, 0), score.suites().get("CompareAndWrite"));
        assertEquals(new CuScore.Tally(1, 1, 0, 0), score.suites().get("Read10"));
    }

    @Test
    void testInterruptedByWatchdogOrEndOfLogIsHung() {
        String log = String.join("\r\n",
                "Suite: iSCSITMF",
                "  Test: AbortTaskSimpleAsync ...passed",
                "  Test: LUNResetSimpleAsync ...",
                "    waiting for task management response",
                "HUNG",
                "");
        CuScore killed = CuScore.of(log);
        assertEquals("passed 1 failed 0 skipped 0 hung 1 total 2", killed.summary());
        assertEquals(List.of("HUNG: iSCSITMF.LUNResetSimpleAsync"), killed.problems());

        CuScore truncated = CuScore.of("Suite: Read6\n  Test: Simple ...\n");
        assertEquals("passed 0 failed 0 skipped 0 hung 1 total 1", truncated.summary());
    }

    @Test
    void skipMessageWithoutPassIsNotASkip() {
        // A test that printed [SKIPPED] and then failed is a failure, not a skip.
        CuScore score = CuScore.of("Suite: Unmap\n  Test: Simple ...    [SKIPPED] x\nFAILED\n");
        assertEquals("passed 0 failed 1 skipped 0 hung 0 total 1", score.summary());
    }

    @Test
    void recordsSuiteInitializationFailures() {
        CuScore score = CuScore.of("Suite: Inquiry\nWARNING - Suite initialization failed for 'Inquiry'.\n");
        assertEquals(0, score.total());
        assertEquals(List.of("WARNING - Suite initialization failed for 'Inquiry'."), score.initFailures());
    }
}
