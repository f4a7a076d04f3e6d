package io.cairn.scsi.handler;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.Sense;
import io.cairn.scsi.pr.PrOutRequest;
import io.cairn.scsi.pr.PrOutcome;
import io.cairn.scsi.pr.Reservations;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Thin handlers for PERSISTENT RESERVE IN/OUT (SPC-4 6.15/6.16) and RESERVE/RELEASE (SPC-2 7.21/7.24):
 * they decode, run the reservation rules inside a compare-and-set of the LUN's context (so a retry
 * re-applies them to the fresh context), abort preempted tasks, and answer the rules' status.
 */
public final class ReservationHandlers {

    public CommandHandler in() {
        // The latest state, not the local copy: another gateway may have changed it a moment ago.
        return r -> r.core().contexts().fresh(r.unit().id()).thenApply(ctx -> {
            byte[] data = r.core().reservations().in(ctx, r.cdb().serviceAction());
            return data == null ? Outcome.check(Sense.invalidCdbField(1, 4))
                    : Outcome.data(data, r.cdb().allocationLength());
        });
    }

    public CommandHandler out() {
        return r -> {
            PrOutRequest req = new PrOutRequest(r.cdb().serviceAction(), r.cdb().prScope(), r.cdb().prType(),
                    r.cdb().allocationLength(), r.parameters());
            return apply(r, (rules, ctx) -> rules.out(ctx, r.nexus(), req));
        };
    }

    public CommandHandler reserve() {
        return r -> apply(r, (rules, ctx) -> rules.reserve(ctx, r.nexus()));
    }

    public CommandHandler release() {
        return r -> apply(r, (rules, ctx) -> rules.release(ctx, r.nexus()));
    }

    private static CompletableFuture<Outcome> apply(Request r, BiFunction<Reservations, ScsiContext, PrOutcome> rule) {
        Reservations rules = r.core().reservations();
        String lunId = r.unit().id();
        // Every gateway must have applied the change before it completes (architecture.md "Consistency invariants").
        return r.core().contexts()
                .<PrOutcome>updateEverywhere(lunId, ctx -> {
                    PrOutcome o = rule.apply(rules, ctx);
                    return new Update<>(o.next(), o);
                })
                // PREEMPT AND ABORT: updateEverywhere completes once every gateway, this one included,
                // has applied the version, and applying it aborts the preempted tasks (apply step).
                .thenApply(o -> o.status() == ScsiResult.CHECK_CONDITION ? Outcome.check(Sense.of(o.sense()))
                        : Outcome.status(o.status()));
    }
}
