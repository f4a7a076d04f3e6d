package io.cairn.coord.scsi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The SCSI state of one LUN that every gateway must agree on, stored as one versioned document.
 * Coordination stores it; the SCSI layer alone gives it meaning. Immutable: changes are new
 * documents written by compare-and-set through {@link ScsiContextStore}.
 *
 * <p>Nexus and port names are the SCSI transport names: an initiator port is
 * {@code <iqn>,i,0x<isid>}, a target port {@code <iqn>,t,0x<tpgt>}.
 *
 * @param prGeneration   PRgeneration (SPC-4 6.16.2), bumped by every registration change
 * @param registrations  persistent reservation registrations, in registration order
 * @param reservation    the persistent reservation, or null
 * @param aptpl          activate persist through power loss
 * @param spc2Holder     the SPC-2 RESERVE holder, or null
 * @param unitAttentions pending unit-attention conditions per I_T nexus ({@link #nexusKey}), oldest first
 * @param modePages      current values of changeable mode pages, by page code, as the SCSI layer encodes them
 * @param taskAborts     the latest PREEMPT AND ABORTs, oldest first, at most {@link #MAX_TASK_ABORTS}: every
 *                       gateway aborts the named nexuses' tasks before it acknowledges the version that adds one
 */
public record ScsiContext(
        long prGeneration,
        List<PrRegistration> registrations,
        PrReservation reservation,
        boolean aptpl,
        Spc2Reservation spc2Holder,
        Map<String, List<UnitAttention>> unitAttentions,
        Map<Integer, byte[]> modePages,
        List<TaskAbort> taskAborts) {

    /**
     * How many PREEMPT AND ABORTs the document remembers. A gateway whose local copy skipped more
     * than this between two versions it saw cannot tell which nexuses were named, and aborts every
     * task of the LUN instead (safe, never silent).
     */
    public static final int MAX_TASK_ABORTS = 16;

    public static final ScsiContext EMPTY =
            new ScsiContext(0, List.of(), null, false, null, Map.of(), Map.of(), List.of());

    public ScsiContext {
        registrations = List.copyOf(registrations);
        unitAttentions = Map.copyOf(unitAttentions);
        modePages = Map.copyOf(modePages);
        taskAborts = List.copyOf(taskAborts);
    }

    /** A context without task aborts (what format 1 could hold). */
    public ScsiContext(long prGeneration, List<PrRegistration> registrations, PrReservation reservation, boolean aptpl,
            Spc2Reservation spc2Holder, Map<String, List<UnitAttention>> unitAttentions, Map<Integer, byte[]> modePages) {
        this(prGeneration, registrations, reservation, aptpl, spc2Holder, unitAttentions, modePages, List.of());
    }

    public static String nexusKey(String initiatorPort, String targetPort) {
        return initiatorPort + "|" + targetPort;
    }

    /** One registration: an I_T nexus and its reservation key. */
    public record PrRegistration(String initiatorPort, String targetPort, long key) {}

    /** The reservation: its holder nexus (the registration that made it) and type. */
    public record PrReservation(String initiatorPort, String targetPort, long key, int type) {}

    /** An SPC-2 RESERVE(6/10) holder nexus. */
    public record Spc2Reservation(String initiatorPort, String targetPort) {}

    /** A pending unit attention: additional sense code and qualifier. */
    public record UnitAttention(int asc, int ascq) {}

    /**
     * One PREEMPT AND ABORT: the I_T nexuses ({@link #nexusKey}) whose tasks every gateway aborts.
     *
     * @param sequence one more than the previous abort's, so a reader tells which it has not applied yet
     */
    public record TaskAbort(long sequence, List<String> nexusKeys) {
        public TaskAbort {
            nexusKeys = List.copyOf(nexusKeys);
        }
    }

    /** The sequence of the latest task abort, 0 if none. */
    public long lastTaskAbort() {
        return taskAborts.isEmpty() ? 0 : taskAborts.get(taskAborts.size() - 1).sequence();
    }

    /** Appends a task abort of {@code nexusKeys}, forgetting the oldest beyond {@link #MAX_TASK_ABORTS}. */
    public ScsiContext withTaskAbort(Collection<String> nexusKeys) {
        List<TaskAbort> all = new ArrayList<>(taskAborts);
        all.add(new TaskAbort(lastTaskAbort() + 1, List.copyOf(new TreeSet<>(nexusKeys))));
        while (all.size() > MAX_TASK_ABORTS) all.remove(0);
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, spc2Holder, unitAttentions, modePages, all);
    }

    public ScsiContext withRegistrations(long generation, List<PrRegistration> regs, PrReservation res) {
        return new ScsiContext(generation, regs, res, aptpl, spc2Holder, unitAttentions, modePages, taskAborts);
    }

    public ScsiContext withAptpl(boolean value) {
        return new ScsiContext(prGeneration, registrations, reservation, value, spc2Holder, unitAttentions, modePages,
                taskAborts);
    }

    public ScsiContext withSpc2Holder(Spc2Reservation holder) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, holder, unitAttentions, modePages,
                taskAborts);
    }

    public ScsiContext withUnitAttentions(Map<String, List<UnitAttention>> uas) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, spc2Holder, uas, modePages, taskAborts);
    }

    public ScsiContext withModePages(Map<Integer, byte[]> pages) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, spc2Holder, unitAttentions, pages,
                taskAborts);
    }
}
