package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;
import static io.cairn.scsi.BigEndian.put64;

import java.util.concurrent.CompletableFuture;

/** READ CAPACITY(10) (SBC-4 5.20) and READ CAPACITY(16) (SBC-4 5.21) with LBPME and LBPRZ. */
public final class ReadCapacityHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        long last = r.device().blockCount() - 1;
        int bs = r.device().blockSize();
        if (r.cdb().opcode() == 0x25) {
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
