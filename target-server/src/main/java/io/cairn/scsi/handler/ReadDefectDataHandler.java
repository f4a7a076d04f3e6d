package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;

import java.util.concurrent.CompletableFuture;

/** READ DEFECT DATA(10)/(12) (SBC-4 5.12/5.13): a virtual medium has no defects; an empty list. */
public final class ReadDefectDataHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int format = r.cdb().pageCode() & 0x07;
        byte[] b = new byte[r.cdb().opcode() == 0x37 ? 4 : 8];
        b[1] = (byte) format; // PLISTV = GLISTV = 0: neither list is reported, both are empty
        if (b.length == 8) {
            put32(b, 4, 0);
        }
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
