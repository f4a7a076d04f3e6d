package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put32;
import static io.cairn.scsi.BigEndian.put64;

import io.cairn.block.LbaExtent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** GET LBA STATUS (SBC-4 5.8): provisioning status from the LBA on, as many descriptors as fit. */
public final class GetLbaStatusHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int alloc = r.cdb().allocationLength();
        int max = Math.max(1, (alloc - 8) / 16);
        return r.device().lbaStatus(r.cdb().lba(), max).thenApply(extents -> Outcome.data(encode(extents), alloc));
    }

    static byte[] encode(List<LbaExtent> extents) {
        byte[] b = new byte[8 + 16 * extents.size()];
        put32(b, 0, 4 + 16L * extents.size());
        for (int i = 0; i < extents.size(); i++) {
            LbaExtent e = extents.get(i);
            int at = 8 + 16 * i;
            put64(b, at, e.lba());
            put32(b, at + 8, Math.min(e.blocks(), 0xFFFFFFFFL));
            b[at + 12] = (byte) (e.mapped() ? 0x0 : 0x1); // SBC-4 5.8.2: mapped / deallocated
        }
        return b;
    }
}
