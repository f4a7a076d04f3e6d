package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;

import io.cairn.scsi.Sense;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** REPORT LUNS (SPC-4 6.33): the target's LUN inventory, single level (SAM-5 4.7.3). */
public final class ReportLunsHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int select = r.cdb().selectReport();
        if (select > 0x02) {
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(2, 7)));
        }
        // SELECT REPORT 01h (well-known LUNs only) lists nothing: we have no well-known LUNs
        List<Long> luns = select == 0x01 ? List.of() : r.core().luns().luns(r.command().targetName());
        byte[] b = new byte[8 + 8 * luns.size()];
        put32(b, 0, 8L * luns.size());
        for (int i = 0; i < luns.size(); i++) {
            long lun = luns.get(i);
            int at = 8 + 8 * i;
            if (lun < 256) {
                b[at + 1] = (byte) lun; // SAM-5 4.7.6 peripheral device addressing
            } else {
                b[at] = (byte) (0x40 | ((lun >> 8) & 0x3F)); // SAM-5 4.7.7 flat space addressing
                b[at + 1] = (byte) lun;
            }
        }
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
