package io.cairn.iscsi.session;

/**
 * The session's command numbering (RFC 7143 4.2.2.1): ExpCmdSN, and MaxCmdSN sized so that at most
 * {@code queueDepth} commands are outstanding. A non-immediate command is delivered only when its
 * CmdSN is the next expected one; one inside the window but ahead waits; one outside is ignored.
 * Event-loop confined.
 */
final class CommandWindow {

    /** Where a received CmdSN falls. */
    public enum Position { NEXT, AHEAD, OUTSIDE }

    private final int queueDepth;
    private int expCmdSn;
    private int outstanding;

    public CommandWindow(int initialCmdSn, int queueDepth) {
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be at least 1");
        }
        this.expCmdSn = initialCmdSn;
        this.queueDepth = queueDepth;
    }

    public Position classify(int cmdSn) {
        // RFC 7143 4.2.2.1: commands outside ExpCmdSN..MaxCmdSN are silently ignored. With every
        // slot taken MaxCmdSN is ExpCmdSN - 1: the window is closed, even to ExpCmdSN itself.
        if (!SerialNumbers.atMost(cmdSn, maxCmdSn())) {
            return Position.OUTSIDE;
        }
        if (cmdSn == expCmdSn) {
            return Position.NEXT;
        }
        return SerialNumbers.lessThan(expCmdSn, cmdSn) ? Position.AHEAD : Position.OUTSIDE;
    }

    /** The next expected command arrived and takes a slot until {@link #completed()}. */
    public void accepted(boolean takesSlot) {
        expCmdSn++;
        if (takesSlot) {
            outstanding++;
        }
    }

    /** A command that held a slot finished: the window opens by one. */
    public void completed() {
        if (outstanding > 0) {
            outstanding--;
        }
    }

    public int expCmdSn() {
        return expCmdSn;
    }

    public int maxCmdSn() {
        // Never below ExpCmdSN - 1, which would mean "window closed" (RFC 7143 4.2.2.1).
        return expCmdSn + Math.max(queueDepth - outstanding, 0) - 1;
    }

    public int outstanding() {
        return outstanding;
    }
}
