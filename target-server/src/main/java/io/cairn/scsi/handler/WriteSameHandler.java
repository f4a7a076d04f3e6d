package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import io.cairn.scsi.cdb.CdbFlag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * WRITE SAME(10/16) (SBC-4 5.47/5.48): one block of pattern (zeros with NDOB) written to a range; with
 * UNMAP the device may deallocate instead. WSNZ is set (VPD B0h): zero blocks is refused.
 */
public final class WriteSameHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        ByteBuf block = r.data();
        long blocks = r.cdb().blocks();
        Sense invalid = null;
        if (r.cdb().has(CdbFlag.ANCHOR)) {
            invalid = Sense.invalidCdbField(1, 4); // SBC-4 5.47: ANC_SUP is 0
        } else if (blocks == 0 || blocks > r.core().config().maxWriteSameBlocks()) {
            invalid = Sense.invalidCdbField(r.cdb().transferLengthOffset(), 7); // SBC-4 6.6.4 WSNZ, MAXIMUM WRITE SAME LENGTH
        }
        if (invalid != null) {
            ReferenceCountUtil.release(block);
            return CompletableFuture.completedFuture(Outcome.check(invalid));
        }
        if (r.cdb().has(CdbFlag.NDOB)) {
            block = Unpooled.buffer(r.device().blockSize()).writeZero(r.device().blockSize()); // SBC-4 5.48: zeros
        }
        return r.device().writeSame(r.cdb().lba(), blocks, block, r.cdb().has(CdbFlag.UNMAP), r.durable(false))
                .thenApply(v -> Outcome.good());
    }
}
