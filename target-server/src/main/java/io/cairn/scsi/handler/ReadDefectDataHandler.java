package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;

import java.util.concurrent.CompletableFuture;

/**
 * READ DEFECT DATA(10)/(12) (SBC-4 5.12/5.13): a virtual medium has no defects; an empty list. Each
 * registry row has its own instance, which knows its command's parameter data header.
 */
public final class ReadDefectDataHandler implements CommandHandler {

    private final int headerLength;

    private ReadDefectDataHandler(int headerLength) {
        this.headerLength = headerLength;
    }

    /** READ DEFECT DATA(10): a four-byte header with a two-byte DEFECT LIST LENGTH (SBC-4 5.12.2). */
    public static ReadDefectDataHandler ten() {
        return new ReadDefectDataHandler(4);
    }

    /** READ DEFECT DATA(12): an eight-byte header with a four-byte DEFECT LIST LENGTH (SBC-4 5.13.2). */
    public static ReadDefectDataHandler twelve() {
        return new ReadDefectDataHandler(8);
    }

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int format = r.cdb().pageCode() & 0x07;
        byte[] b = new byte[headerLength];
        b[1] = (byte) format; // PLISTV = GLISTV = 0: neither list is reported, both are empty
        if (b.length == 8) {
            put32(b, 4, 0);
        }
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
