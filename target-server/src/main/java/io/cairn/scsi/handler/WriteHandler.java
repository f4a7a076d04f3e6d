package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import io.cairn.scsi.cdb.CdbFlag;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * WRITE(6/10/12/16) (SBC-4 5.40-5.43) and WRITE AND VERIFY(10/12/16) (SBC-4 5.37-5.39). The Data-Out
 * buffer goes to the device uncopied. WRITE AND VERIFY writes with FUA: the verify medium operation is
 * satisfied by the device's durable acknowledgement. Which of the two an instance serves is set by
 * its registry row.
 */
public final class WriteHandler implements CommandHandler {

    private final boolean verifies;

    private WriteHandler(boolean verifies) {
        this.verifies = verifies;
    }

    /** WRITE: durable before GOOD only with FUA. */
    public static WriteHandler write() {
        return new WriteHandler(false);
    }

    /** WRITE AND VERIFY: always written with FUA. */
    public static WriteHandler writeAndVerify() {
        return new WriteHandler(true);
    }

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        long blocks = r.cdb().blocks();
        if (blocks == 0) {
            ReferenceCountUtil.release(r.data());
            return CompletableFuture.completedFuture(Outcome.good()); // SBC-4 5.41: not an error
        }
        if (blocks > r.core().config().maxTransferBlocks()) {
            ReferenceCountUtil.release(r.data());
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(r.cdb().transferLengthOffset(), 7)));
        }
        boolean fua = r.durable(verifies || r.cdb().has(CdbFlag.FUA));
        return r.device().write(r.cdb().lba(), r.data(), fua).thenApply(v -> Outcome.good());
    }
}
