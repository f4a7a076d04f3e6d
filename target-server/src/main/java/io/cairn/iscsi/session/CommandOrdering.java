package io.cairn.iscsi.session;

import io.cairn.iscsi.pdu.InboundPdu;
import io.cairn.iscsi.pdu.ScsiCommandPdu;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-order delivery of a session's commands by CmdSN (RFC 7143 3.2.2.1, 4.2.2.1). An immediate
 * command is delivered at once. A non-immediate one is delivered when its CmdSN is ExpCmdSN; one
 * inside the window but ahead is held until every earlier CmdSN has arrived or been accounted
 * for; one outside the window (a duplicate of one already received, or beyond MaxCmdSN) is
 * ignored. SCSI commands delivered in order hold a slot of the {@link CommandWindow} until
 * {@link #completed()}, which is what MaxCmdSN counts; other commands (NOP-Out, Text, Task
 * Management, Logout) only advance ExpCmdSN. Event-loop confined.
 *
 * <p>Ownership: {@code submit} and {@code submitTask} take ownership of the PDU. It passes to the
 * delivery when the command's turn comes; it is released here when the command is ignored, is a
 * second PDU for a CmdSN already held, is dropped by {@link #dropTasks}, or is still held at
 * {@link #close()}.
 */
public final class CommandOrdering {

    private static final Logger log = LoggerFactory.getLogger(CommandOrdering.class);
    /** Bound on commands held back while an earlier CmdSN is missing. */
    static final int MAX_HELD = 512;

    /** Runs a SCSI command whose turn has come. Takes ownership of {@code pdu}. */
    @FunctionalInterface
    public interface TaskDelivery {
        /** {@code holdsSlot}: it came in CmdSN order and holds a window slot until {@link #completed()}. */
        void deliver(ScsiCommandPdu pdu, boolean holdsSlot);
    }

    /** A command held for its turn; {@code task} is the PDU itself when it is a SCSI command, else null. */
    private record Held(InboundPdu pdu, ScsiCommandPdu task, Runnable delivery) {}

    private final CommandWindow window;
    private final int maxHeld;
    /** For logs: whose commands these are. */
    private final String peer;
    /** Non-immediate commands that arrived ahead of ExpCmdSN, by CmdSN. */
    private final TreeMap<Integer, Held> held = new TreeMap<>(Integer::compareUnsigned);
    /**
     * CmdSNs ahead of ExpCmdSN already accounted for without delivery: commands rejected on arrival
     * and commands aborted before they arrived (RFC 7143 11.5.1 b). The window steps over them.
     */
    private final Set<Integer> consumed = new HashSet<>();
    private boolean delivering = true;

    /** {@code expCmdSn}: the CmdSN of the login request (RFC 7143 4.2.2.1); at most {@code queueDepth} SCSI commands outstanding. */
    public CommandOrdering(int expCmdSn, int queueDepth, String peer) {
        this(expCmdSn, queueDepth, peer, MAX_HELD);
    }

    CommandOrdering(int expCmdSn, int queueDepth, String peer, int maxHeld) {
        this.window = new CommandWindow(expCmdSn, queueDepth);
        this.peer = peer;
        this.maxHeld = maxHeld;
    }

    /** A SCSI command: delivered now if immediate, else in CmdSN order holding a window slot. Takes ownership. */
    public void submitTask(ScsiCommandPdu pdu, TaskDelivery delivery) {
        if (!delivering) {
            pdu.release();
        } else if (pdu.immediate()) {
            delivery.deliver(pdu, false);
        } else {
            order(pdu.cmdSn(), new Held(pdu, pdu, () -> delivery.deliver(pdu, true)));
        }
    }

    /** Any other command with a CmdSN: delivered now if immediate, else in CmdSN order. Takes ownership. */
    public <P extends InboundPdu> void submit(P pdu, int cmdSn, Consumer<P> delivery) {
        if (!delivering) {
            pdu.release();
        } else if (pdu.immediate()) {
            delivery.accept(pdu);
        } else {
            order(cmdSn, new Held(pdu, null, () -> delivery.accept(pdu)));
        }
    }

    private void order(int cmdSn, Held command) {
        switch (window.classify(cmdSn)) {
            case NEXT -> {
                if (consumed.remove(cmdSn)) {
                    // aborted before it arrived (RFC 7143 11.5.1): counted, not run
                    window.accepted(false);
                    command.pdu().release();
                } else {
                    window.accepted(command.task() != null);
                    command.delivery().run();
                }
                deliverHeld();
            }
            case AHEAD -> {
                if (consumed.contains(cmdSn) || held.size() >= maxHeld || held.putIfAbsent(cmdSn, command) != null) {
                    command.pdu().release();
                }
            }
            case OUTSIDE -> {
                // RFC 7143 4.2.2.1: commands outside ExpCmdSN..MaxCmdSN are silently ignored.
                log.debug("{}: ignoring CmdSN {} outside window {}..{}", peer, Integer.toUnsignedString(cmdSn),
                        Integer.toUnsignedString(window.expCmdSn()), Integer.toUnsignedString(window.maxCmdSn()));
                command.pdu().release();
            }
        }
    }

    /** Delivers held commands, and steps over consumed CmdSNs, from ExpCmdSN on until a gap. */
    private void deliverHeld() {
        while (delivering) {
            int exp = window.expCmdSn();
            Held next = held.remove(exp);
            if (next != null) {
                // A CmdSN both held and consumed (ABORT TASK naming an unknown tag with the RefCmdSN
                // of a command held under another tag, RFC 7143 11.5.1 b) is settled by the command
                // that arrived; a mark left behind would drop an unrelated command 2^32 CmdSNs on.
                consumed.remove(exp);
                window.accepted(next.task() != null);
                next.delivery().run();
            } else if (consumed.remove(exp)) {
                window.accepted(false);
            } else {
                return;
            }
        }
    }

    /** A command that will not run still takes its place in CmdSN order (RFC 7143 4.2.2.1). */
    public void consumeCmdSn(int cmdSn, boolean immediate) {
        if (immediate) {
            return;
        }
        switch (window.classify(cmdSn)) {
            case NEXT -> {
                window.accepted(false);
                deliverHeld();
            }
            case AHEAD -> consumed.add(cmdSn);
            case OUTSIDE -> { }
        }
    }

    /**
     * Drops held SCSI commands that {@code which} selects (task management reaching commands not
     * yet delivered, RFC 7143 11.5.1); their CmdSNs count as received. Returns how many.
     */
    public int dropTasks(Predicate<ScsiCommandPdu> which) {
        int dropped = 0;
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ScsiCommandPdu task = e.getValue().task();
            if (task != null && which.test(task)) {
                consumed.add(e.getKey());
                task.release();
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    /** A command that held a slot finished: the window opens by one. */
    public void completed() {
        window.completed();
    }

    public int expCmdSn() {
        return window.expCmdSn();
    }

    public int maxCmdSn() {
        return window.maxCmdSn();
    }

    /**
     * Nothing more is delivered (the connection is logging out): ExpCmdSN still counts consumed
     * CmdSNs, held commands stay held until {@link #close()}, new ones are released.
     */
    public void stopDelivery() {
        delivering = false;
    }

    /** The connection ended: nothing more is delivered and every held command is released. */
    public void close() {
        delivering = false;
        held.values().forEach(h -> h.pdu().release());
        held.clear();
    }
}
