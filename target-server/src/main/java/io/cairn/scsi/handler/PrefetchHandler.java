package io.cairn.scsi.handler;

import io.cairn.scsi.ScsiResult;
import java.util.concurrent.CompletableFuture;

/**
 * PRE-FETCH(10/16) (SBC-4 5.9/5.10): a hint; the blocks are as fast to reach as they will get, so the
 * answer is CONDITION MET (the cache could hold them all).
 */
public final class PrefetchHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        return CompletableFuture.completedFuture(Outcome.status(ScsiResult.CONDITION_MET));
    }
}
