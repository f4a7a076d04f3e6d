package io.cairn.scsi.handler;

import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.SenseWriter;
import io.cairn.scsi.UnitAttentions;
import io.cairn.scsi.cdb.CdbFlag;
import java.util.concurrent.CompletableFuture;

/**
 * REQUEST SENSE (SPC-4 6.39): reports a pending unit attention as parameter data and clears it
 * (SAM-5 5.14), LOGICAL UNIT NOT SUPPORTED for a missing LUN, else NO SENSE; DESC picks the format.
 */
public final class RequestSenseHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        boolean desc = r.cdb().has(CdbFlag.DESC);
        int alloc = r.cdb().allocationLength();
        if (r.unit() == null) {
            byte[] s = SenseWriter.encode(Sense.of(SenseReason.LOGICAL_UNIT_NOT_SUPPORTED), desc);
            return CompletableFuture.completedFuture(Outcome.data(s, alloc));
        }
        String key = r.nexus().key();
        UnitAttention ua = UnitAttentions.oldest(r.context(), key);
        if (ua == null) {
            return CompletableFuture.completedFuture(Outcome.data(SenseWriter.noSense(desc), alloc));
        }
        byte[] s = SenseWriter.encode(Sense.of(UnitAttentions.reasonOf(ua)), desc);
        return r.core().contexts()
                .<Void>update(r.unit().id(), c -> new Update<>(UnitAttentions.consume(c, key, ua), null))
                .thenApply(v -> Outcome.data(s, alloc));
    }
}
