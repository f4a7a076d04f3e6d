package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import io.cairn.scsi.cdb.CdbFlag;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * WRITE(6/10/12/16) (SBC-4 5.40-5.43) and WRITE AND VERIFY(10/12/16) (SBC-4 5.37-5.39). The Data-Out
 * buffer goes to the device uncopied. WRITE AND VERIFY writes with FUA: the verify medium operation is
 * satisfied by the device's durable acknowledgement.
 */
public final class WriteHandler implements CommandHandler {

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
        int op = r.cdb().opcode();
        boolean verify = op == 0x2E || op == 0xAE || op == 0x8E;
        boolean fua = verify || r.cdb().has(CdbFlag.FUA);
        return r.device().write(r.cdb().lba(), r.data(), fua).thenApply(v -> Outcome.good());
    }
}
