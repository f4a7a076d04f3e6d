package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * VERIFY(10/12/16) (SBC-4 5.30-5.32): BYTCHK 00b checks the blocks are readable; 01b compares them with
 * the Data-Out; 11b compares each with the single Data-Out block. A mismatch is MISCOMPARE with the
 * offset of the first differing Data-Out byte in the INFORMATION field.
 */
public final class VerifyHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        long blocks = r.cdb().blocks();
        ByteBuf expected = r.data();
        if (blocks == 0) {
            ReferenceCountUtil.release(expected);
            return CompletableFuture.completedFuture(Outcome.good());
        }
        if (blocks > r.core().config().maxTransferBlocks()) {
            ReferenceCountUtil.release(expected);
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(r.cdb().transferLengthOffset(), 7)));
        }
        int bytchk = r.cdb().bytchk();
        int bs = r.device().blockSize();
        return r.device().read(r.cdb().lba(), (int) blocks).handle((medium, err) -> {
            try {
                if (err != null) {
                    throw err instanceof RuntimeException re ? re : new RuntimeException(err);
                }
                if (bytchk == 0) {
                    return Outcome.good();
                }
                long mismatch = firstMismatch(medium, expected, bytchk == 3 ? bs : 0);
                return mismatch < 0 ? Outcome.good()
                        : Outcome.check(Sense.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, mismatch));
            } finally {
                ReferenceCountUtil.release(medium);
                ReferenceCountUtil.release(expected);
            }
        });
    }

    /** Offset of the first differing byte; with {@code period} > 0 the expected data repeats every period bytes. */
    static long firstMismatch(ByteBuf medium, ByteBuf expected, int period) {
        int n = medium.readableBytes();
        int m0 = medium.readerIndex();
        int e0 = expected.readerIndex();
        for (int i = 0; i < n; i++) {
            int e = period > 0 ? i % period : i;
            if (medium.getByte(m0 + i) != expected.getByte(e0 + e)) {
                return i;
            }
        }
        return -1;
    }
}
