package io.cairn.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.iscsi.pdu.InboundPdu;
import io.cairn.iscsi.pdu.NopOut;
import io.cairn.iscsi.pdu.Opcode;
import io.cairn.iscsi.pdu.PduBytes;
import io.cairn.iscsi.pdu.ScsiCommandPdu;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CmdSN ordering on its own (RFC 7143 4.2.2.1): commands fed out of order, twice, outside the
 * window, immediate, consumed and dropped; what is delivered, in which order, what the window says,
 * and that every PDU not delivered is released.
 */
class CommandOrderingTest {

    /** What was delivered, in order: "task 3" (holding a slot), "task 3 immediate", "nop 4". */
    private final List<String> delivered = new ArrayList<>();
    private final List<InboundPdu> fed = new ArrayList<>();

    private final CommandOrdering.TaskDelivery tasks = (pdu, holdsSlot) -> {
        delivered.add("task " + pdu.initiatorTaskTag() + (holdsSlot ? "" : " immediate"));
        pdu.release();
    };

    private void nop(NopOut pdu) {
        delivered.add("nop " + pdu.initiatorTaskTag());
        pdu.release();
    }

    /** A SCSI command whose ITT is its CmdSN unless given, on LUN 0. */
    private ScsiCommandPdu task(int cmdSn) {
        return task(cmdSn, cmdSn, 0, false);
    }

    private ScsiCommandPdu task(int cmdSn, int itt, int lun, boolean immediate) {
        InboundPdu pdu = PduBytes.of(Opcode.SCSI_COMMAND | (immediate ? 0x40 : 0)).set(1, 0xc1).set(9, lun)
                .int32(16, itt).int32(20, 512).int32(24, cmdSn).set(32, 0x28).data(new byte[] {1, 2, 3}).pdu();
        fed.add(pdu);
        return (ScsiCommandPdu) pdu;
    }

    private NopOut nopOut(int cmdSn) {
        InboundPdu pdu = PduBytes.of(Opcode.NOP_OUT).set(1, 0x80).int32(16, cmdSn).int32(20, -1)
                .int32(24, cmdSn).pdu();
        fed.add(pdu);
        return (NopOut) pdu;
    }

    private void submit(CommandOrdering ordering, ScsiCommandPdu pdu) {
        ordering.submitTask(pdu, tasks);
    }

    private void submit(CommandOrdering ordering, NopOut pdu) {
        ordering.submit(pdu, pdu.cmdSn(), this::nop);
    }

    /** Every PDU fed was released: by its delivery, or by the ordering. */
    @AfterEach
    void nothingLeftOver() {
        for (InboundPdu pdu : fed) {
            assertEquals(0, pdu.refCnt(), pdu + " released");
        }
    }

    @Test
    void commandsInOrderAreDeliveredAtOnce() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(1));
        submit(ordering, nopOut(2));
        submit(ordering, task(3));
        assertEquals(List.of("task 1", "nop 2", "task 3"), delivered);
        assertEquals(4, ordering.expCmdSn());
    }

    @Test
    void commandsAheadWaitAndRunInCmdSnOrder() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(3));
        submit(ordering, nopOut(2));
        submit(ordering, task(5));
        assertEquals(List.of(), delivered, "CmdSN 1 is missing");
        assertEquals(1, ordering.expCmdSn());
        submit(ordering, task(1));
        assertEquals(List.of("task 1", "nop 2", "task 3"), delivered, "up to the next gap");
        assertEquals(4, ordering.expCmdSn());
        submit(ordering, task(4));
        assertEquals(List.of("task 1", "nop 2", "task 3", "task 4", "task 5"), delivered);
        assertEquals(6, ordering.expCmdSn());
    }

    @Test
    void aSecondCommandForAHeldCmdSnIsReleasedAndTheFirstKept() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        ScsiCommandPdu first = task(2, 20, 0, false);
        ScsiCommandPdu second = task(2, 21, 0, false);
        submit(ordering, first);
        submit(ordering, second);
        assertEquals(0, second.refCnt(), "the duplicate is released at once");
        assertEquals(1, first.refCnt(), "the first is still held");
        submit(ordering, task(1));
        assertEquals(List.of("task 1", "task 20"), delivered);
    }

    @Test
    void aCmdSnAlreadyDeliveredIsIgnored() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(1));
        ScsiCommandPdu again = task(1, 11, 0, false);
        submit(ordering, again);
        assertEquals(0, again.refCnt());
        assertEquals(List.of("task 1"), delivered, "a retransmission below ExpCmdSN never runs twice");
        assertEquals(2, ordering.expCmdSn());
    }

    @Test
    void commandsBeyondMaxCmdSnAreIgnored() {
        CommandOrdering ordering = new CommandOrdering(1, 4, "test");
        assertEquals(4, ordering.maxCmdSn(), "queue depth 4: CmdSN 1..4");
        ScsiCommandPdu beyond = task(5);
        submit(ordering, beyond);
        assertEquals(0, beyond.refCnt(), "outside the window: released, not held");
        submit(ordering, task(1));
        assertEquals(List.of("task 1"), delivered, "CmdSN 5 was not kept for later");
    }

    @Test
    void scsiCommandsHoldWindowSlotsUntilTheyComplete() {
        CommandOrdering ordering = new CommandOrdering(1, 2, "test");
        submit(ordering, task(1));
        submit(ordering, task(2));
        assertEquals(3, ordering.expCmdSn());
        assertEquals(2, ordering.maxCmdSn(), "two outstanding at queue depth 2: MaxCmdSN = ExpCmdSN - 1, closed");
        ScsiCommandPdu beyond = task(4);
        submit(ordering, beyond);
        assertEquals(0, beyond.refCnt(), "the closed window holds nothing ahead");
        ordering.completed();
        assertEquals(3, ordering.maxCmdSn(), "one completed: one slot open");
        submit(ordering, task(3));
        assertEquals(List.of("task 1", "task 2", "task 3"), delivered);
        ordering.completed();
        ordering.completed();
        assertEquals(5, ordering.maxCmdSn(), "all completed: the whole queue depth open");
    }

    @Test
    void aClosedWindowTakesNotEvenExpCmdSn() {
        CommandOrdering ordering = new CommandOrdering(1, 1, "test");
        submit(ordering, task(1));
        assertEquals(1, ordering.maxCmdSn(), "MaxCmdSN = ExpCmdSN - 1: closed (RFC 7143 4.2.2.1)");
        ScsiCommandPdu refused = task(2);
        submit(ordering, refused);
        assertEquals(0, refused.refCnt(), "outside ExpCmdSN..MaxCmdSN: silently ignored");
        assertEquals(2, ordering.expCmdSn(), "and not counted");
        ordering.consumeCmdSn(2, false);
        assertEquals(2, ordering.expCmdSn(), "nor consumed: an ignored command never had its CmdSN");
        ordering.completed();
        submit(ordering, task(2, 22, 0, false));
        assertEquals(List.of("task 1", "task 22"), delivered, "open again, the same CmdSN is taken");
    }

    @Test
    void otherCommandsAdvanceExpCmdSnWithoutHoldingASlot() {
        CommandOrdering ordering = new CommandOrdering(1, 1, "test");
        submit(ordering, nopOut(1));
        submit(ordering, nopOut(2));
        assertEquals(3, ordering.expCmdSn());
        assertEquals(3, ordering.maxCmdSn(), "the window stays open");
        assertEquals(List.of("nop 1", "nop 2"), delivered);
    }

    @Test
    void immediateCommandsBypassTheOrderAndHoldNoSlot() {
        CommandOrdering ordering = new CommandOrdering(1, 1, "test");
        submit(ordering, task(2, 7, 0, true));
        submit(ordering, task(1, 8, 0, true));
        assertEquals(List.of("task 7 immediate", "task 8 immediate"), delivered);
        assertEquals(1, ordering.expCmdSn(), "RFC 7143 4.2.2.1: immediate commands do not advance ExpCmdSN");
        assertEquals(1, ordering.maxCmdSn());
    }

    @Test
    void aConsumedCmdSnIsSteppedOver() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(3));
        ordering.consumeCmdSn(2, false);
        ordering.consumeCmdSn(9, true);
        assertEquals(List.of(), delivered);
        submit(ordering, task(1));
        assertEquals(List.of("task 1", "task 3"), delivered, "CmdSN 2 will not come: no wait for it");
        assertEquals(4, ordering.expCmdSn());
        ordering.consumeCmdSn(4, false);
        assertEquals(5, ordering.expCmdSn(), "consuming ExpCmdSN itself moves the window at once");
    }

    @Test
    void consumingExpCmdSnDeliversWhatWaitedBehindIt() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(2));
        submit(ordering, nopOut(3));
        ordering.consumeCmdSn(1, false);
        assertEquals(List.of("task 2", "nop 3"), delivered);
        assertEquals(4, ordering.expCmdSn());
    }

    @Test
    void aCommandArrivingForAConsumedCmdSnIsCountedNotRun() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        ordering.consumeCmdSn(2, false);
        ScsiCommandPdu aborted = task(2);
        submit(ordering, aborted);
        assertEquals(0, aborted.refCnt(), "RFC 7143 11.5.1: aborted before it arrived");
        submit(ordering, task(1));
        assertEquals(List.of("task 1"), delivered);
        assertEquals(3, ordering.expCmdSn());
    }

    @Test
    void droppedTasksAreReleasedAndTheirCmdSnsCountAsReceived() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        ScsiCommandPdu lun1 = task(2, 2, 1, false);
        submit(ordering, lun1);
        submit(ordering, task(3, 3, 2, false));
        submit(ordering, nopOut(4));
        assertEquals(1, ordering.dropTasks(p -> p.lun() == 1L << 48));
        assertEquals(0, lun1.refCnt());
        assertEquals(1, ordering.dropTasks(p -> p.initiatorTaskTag() == 3));
        assertEquals(0, ordering.dropTasks(p -> true), "only SCSI commands are tasks; the NOP-Out stays");
        submit(ordering, task(1));
        assertEquals(List.of("task 1", "nop 4"), delivered);
        assertEquals(5, ordering.expCmdSn());
    }

    @Test
    void heldCommandsAreBounded() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test", 2);
        submit(ordering, task(2));
        submit(ordering, task(3));
        ScsiCommandPdu third = task(4);
        submit(ordering, third);
        assertEquals(0, third.refCnt(), "beyond the bound: released");
        submit(ordering, task(1));
        assertEquals(List.of("task 1", "task 2", "task 3"), delivered);
    }

    @Test
    void orderingFollowsSerialArithmeticAcrossTheWrap() {
        CommandOrdering ordering = new CommandOrdering(0xfffffffe, 8, "test");
        submit(ordering, task(1));
        submit(ordering, task(0));
        submit(ordering, task(0xffffffff));
        assertEquals(List.of(), delivered);
        submit(ordering, task(0xfffffffe));
        assertEquals(List.of("task -2", "task -1", "task 0", "task 1"), delivered, "RFC 1982: 0 follows 2^32 - 1");
        assertEquals(2, ordering.expCmdSn());
    }

    @Test
    void stoppedDeliveryHoldsTheRestUntilClose() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        ScsiCommandPdu after = task(2);
        submit(ordering, after);
        ordering.submit(nopOut(1), 1, pdu -> {
            nop(pdu);
            ordering.stopDelivery(); // as a Logout Request does
        });
        assertEquals(List.of("nop 1"), delivered, "nothing after the logout runs");
        assertEquals(1, after.refCnt(), "still held");
        ScsiCommandPdu late = task(3);
        submit(ordering, late);
        assertEquals(0, late.refCnt(), "nothing new is taken");
        ordering.close();
        assertEquals(0, after.refCnt(), "close releases what was held");
    }

    @Test
    void closeReleasesHeldCommandsAndTakesNoMore() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(2));
        submit(ordering, nopOut(3));
        ordering.close();
        assertTrue(fed.stream().allMatch(p -> p.refCnt() == 0));
        submit(ordering, task(1));
        assertEquals(List.of(), delivered);
    }

    @Test
    void aDeliveryThatClosesTheConnectionEndsTheDrain() {
        CommandOrdering ordering = new CommandOrdering(1, 8, "test");
        submit(ordering, task(2));
        ordering.submit(nopOut(1), 1, pdu -> {
            nop(pdu);
            ordering.close(); // a protocol error inside a handler ends the connection
        });
        assertEquals(List.of("nop 1"), delivered);
    }
}
