package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;
import static io.cairn.scsi.BigEndian.put64;

import java.util.concurrent.CompletableFuture;

/**
 * READ CAPACITY(10) (SBC-4 5.20) and READ CAPACITY(16) (SBC-4 5.21) with LBPME and LBPRZ. Each
 * registry row has its own instance, which knows which parameter data its command returns.
 */
public final class ReadCapacityHandler implements CommandHandler {

    private final boolean longData;

    private ReadCapacityHandler(boolean longData) {
        this.longData = longData;
    }

    /** READ CAPACITY(10): eight bytes of parameter data (SBC-4 5.20.2). */
    public static ReadCapacityHandler ten() {
        return new ReadCapacityHandler(false);
    }

    /** READ CAPACITY(16): 32 bytes of parameter data (SBC-4 5.21.2). */
    public static ReadCapacityHandler sixteen() {
        return new ReadCapacityHandler(true);
    }

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        long last = r.device().blockCount() - 1;
        int bs = r.device().blockSize();
        if (!longData) {
            byte[] b = new byte[8];
            put32(b, 0, Math.min(last, 0xFFFFFFFFL)); // SBC-4 5.20.2: FFFFFFFFh means use READ CAPACITY(16)
            put32(b, 4, bs);
            return CompletableFuture.completedFuture(Outcome.data(b, 8));
        }
        byte[] b = new byte[32];
        put64(b, 0, last);
        put32(b, 8, bs);
        b[14] = (byte) 0xC0; // SBC-4 5.21.2: LBPME (thin provisioned), LBPRZ (unmapped blocks read zero)
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
