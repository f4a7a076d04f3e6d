package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.get16;
import static io.cairn.scsi.BigEndian.get32;
import static io.cairn.scsi.BigEndian.get64;

import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.cdb.CdbFlag;
import io.cairn.scsi.cdb.LbaRange;
import java.util.concurrent.CompletableFuture;

/** UNMAP (SBC-4 5.33): validates the whole parameter list against the block limits before unmapping anything. */
public final class UnmapHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        if (r.cdb().has(CdbFlag.ANCHOR)) {
            return done(Outcome.check(Sense.invalidCdbField(1, 0))); // ANC_SUP is 0
        }
        byte[] p = r.parameters();
        if (p.length == 0) {
            return done(Outcome.good()); // SBC-4 5.33.1: a zero-length list is not an error
        }
        if (p.length < 8) {
            return done(Outcome.check(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        int dataLength = get16(p, 0);
        int descriptorLength = get16(p, 2);
        if (dataLength + 2 > p.length || descriptorLength + 8 > p.length) {
            return done(Outcome.check(SenseReason.PARAMETER_LIST_LENGTH_ERROR)); // SBC-4 5.33.2
        }
        int count = descriptorLength / 16;
        if (count > r.core().config().maxUnmapDescriptors()) {
            return done(Outcome.check(Sense.invalidParameter(2, 7))); // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
        }
        long capacity = r.device().blockCount();
        for (int i = 0; i < count; i++) {
            int at = 8 + 16 * i;
            long lba = get64(p, at);
            long blocks = get32(p, at + 8);
            if (LbaRange.outside(lba, blocks, capacity)) {
                return done(Outcome.check(SenseReason.LBA_OUT_OF_RANGE)); // SBC-4 4.5
            }
            if (blocks > r.core().config().maxUnmapBlocks()) {
                return done(Outcome.check(Sense.invalidParameter(at + 8, 7))); // MAXIMUM UNMAP LBA COUNT
            }
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < count; i++) {
            int at = 8 + 16 * i;
            long lba = get64(p, at);
            long blocks = get32(p, at + 8);
            if (blocks > 0) {
                chain = chain.thenCompose(v -> r.device().unmap(lba, blocks));
            }
        }
        if (r.durable(false)) {
            chain = chain.thenCompose(v -> r.device().flush()); // no write cache: the unmap is durable when done
        }
        return chain.thenApply(v -> Outcome.good());
    }

    private static CompletableFuture<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
