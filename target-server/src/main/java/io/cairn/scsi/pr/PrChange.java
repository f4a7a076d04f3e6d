package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.SenseReason;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A working copy of a context's reservation state while one service action is applied; the
 * service action's effects accumulate here and {@link #build()} makes the next immutable context.
 * Confined to one call: never shared.
 */
final class PrChange {

    private final ScsiContext base;
    final List<PrRegistration> registrations;
    PrReservation reservation;
    long generation;
    boolean aptpl;
    private final Map<String, List<UnitAttention>> unitAttentions;

    PrChange(ScsiContext base) {
        this.base = base;
        this.registrations = new ArrayList<>(base.registrations());
        this.reservation = base.reservation();
        this.generation = base.prGeneration();
        this.aptpl = base.aptpl();
        this.unitAttentions = new HashMap<>(base.unitAttentions());
    }

    /** SPC-4 6.15.2: PRgeneration is a 32-bit counter that wraps. */
    void bumpGeneration() {
        generation = (generation + 1) & 0xFFFF_FFFFL;
    }

    /** Removes the registrations {@code which} selects and returns them, in registration order. */
    List<PrRegistration> remove(Predicate<PrRegistration> which) {
        List<PrRegistration> removed = new ArrayList<>();
        registrations.removeIf(r -> which.test(r) && removed.add(r));
        return removed;
    }

    /** Queues {@code reason} for the I_T nexus of {@code r}, unless that nexus is {@code except}. */
    void unitAttention(PrRegistration r, ItNexus except, SenseReason reason) {
        if (is(r, except)) {
            return;
        }
        String key = ScsiContext.nexusKey(r.initiatorPort(), r.targetPort());
        UnitAttention ua = new UnitAttention(reason.asc(), reason.ascq());
        List<UnitAttention> pending = new ArrayList<>(unitAttentions.getOrDefault(key, List.of()));
        // SAM-5 5.14: a condition already pending for the nexus is not queued twice
        if (!pending.contains(ua)) {
            pending.add(ua);
            unitAttentions.put(key, List.copyOf(pending));
        }
    }

    /** Queues {@code reason} for every registered I_T nexus except {@code except}. */
    void unitAttentionToRegistrants(ItNexus except, SenseReason reason) {
        for (PrRegistration r : registrations) {
            unitAttention(r, except, reason);
        }
    }

    static boolean is(PrRegistration r, ItNexus nexus) {
        return r.initiatorPort().equals(nexus.initiatorPort()) && r.targetPort().equals(nexus.targetPort());
    }

    ScsiContext build() {
        return base.withRegistrations(generation, registrations, reservation)
                .withAptpl(aptpl)
                .withUnitAttentions(unitAttentions);
    }
}
