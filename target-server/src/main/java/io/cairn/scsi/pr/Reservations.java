package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.ItNexus;

/**
 * The reservation rules the core applies, as pure functions over a {@link ScsiContext}. {@link #SPC4}
 * is the real one ({@link PersistentReservations}); the seam exists so the core can be tested on its own.
 */
public interface Reservations {

    PrOutcome out(ScsiContext ctx, ItNexus nexus, PrOutRequest request);

    byte[] in(ScsiContext ctx, int serviceAction);

    boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls);

    PrOutcome reserve(ScsiContext ctx, ItNexus nexus);

    PrOutcome release(ScsiContext ctx, ItNexus nexus);

    ScsiContext onLogicalUnitReset(ScsiContext ctx, ItNexus nexus);

    ScsiContext onNexusLoss(ScsiContext ctx, ItNexus nexus);

    Reservations SPC4 = new Reservations() {
        @Override
        public PrOutcome out(ScsiContext ctx, ItNexus nexus, PrOutRequest request) {
            return PersistentReservations.out(ctx, nexus, request);
        }

        @Override
        public byte[] in(ScsiContext ctx, int serviceAction) {
            return PersistentReservations.in(ctx, serviceAction);
        }

        @Override
        public boolean conflicts(ScsiContext ctx, ItNexus nexus, ConflictClass cls) {
            return PersistentReservations.conflicts(ctx, nexus, cls);
        }

        @Override
        public PrOutcome reserve(ScsiContext ctx, ItNexus nexus) {
            return PersistentReservations.reserve(ctx, nexus);
        }

        @Override
        public PrOutcome release(ScsiContext ctx, ItNexus nexus) {
            return PersistentReservations.release(ctx, nexus);
        }

        @Override
        public ScsiContext onLogicalUnitReset(ScsiContext ctx, ItNexus nexus) {
            return PersistentReservations.onLogicalUnitReset(ctx, nexus);
        }

        @Override
        public ScsiContext onNexusLoss(ScsiContext ctx, ItNexus nexus) {
            return PersistentReservations.onNexusLoss(ctx, nexus);
        }
    };
}
