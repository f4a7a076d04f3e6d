package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import java.util.concurrent.CompletableFuture;

/** READ(6/10/12/16) (SBC-4 5.15-5.18): the device's buffer goes out as Data-In, uncopied. DPO/FUA need no action. */
public final class ReadHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        long blocks = r.cdb().blocks();
        if (blocks == 0) {
            return CompletableFuture.completedFuture(Outcome.good()); // SBC-4 5.16: not an error
        }
        if (blocks > r.core().config().maxTransferBlocks()) {
            // SBC-4 6.6.4: beyond MAXIMUM TRANSFER LENGTH
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(r.cdb().transferLengthOffset(), 7)));
        }
        return r.device().read(r.cdb().lba(), (int) blocks).thenApply(Outcome::good);
    }
}
