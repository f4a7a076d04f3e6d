package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.cdb.CdbFlag;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * COMPARE AND WRITE (SBC-4 5.3): the Data-Out holds the verify blocks then the write blocks; the device
 * compares and writes atomically. A mismatch is MISCOMPARE DURING VERIFY OPERATION with the offset of
 * the first differing byte in the INFORMATION field (SBC-4 5.3.2).
 */
public final class CompareAndWriteHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        ByteBuf data = r.data();
        long blocks = r.cdb().blocks();
        if (blocks == 0) {
            if (data != null) {
                data.release();
            }
            return CompletableFuture.completedFuture(Outcome.good()); // SBC-4 5.3.1: not an error
        }
        if (blocks > r.core().config().maxCompareAndWrite()) {
            data.release();
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(r.cdb().transferLengthOffset(), 7)));
        }
        int half = (int) (blocks * r.device().blockSize());
        ByteBuf verify;
        ByteBuf write;
        try {
            verify = data.retainedSlice(data.readerIndex(), half);
            write = data.retainedSlice(data.readerIndex() + half, half);
        } finally {
            data.release();
        }
        return r.device().compareAndWrite(r.cdb().lba(), verify, write, r.durable(r.cdb().has(CdbFlag.FUA)))
                .thenApply(offset -> offset < 0 ? Outcome.good()
                        : Outcome.check(Sense.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, offset)));
    }
}
