package io.cairn.scsi.handler;

import java.util.concurrent.CompletableFuture;

/**
 * SYNCHRONIZE CACHE(10/16) (SBC-4 5.24/5.25): makes every completed write durable. The device
 * flushes everything; the LBA range only narrows what SBC requires. IMMED is honoured by waiting
 * anyway: answering before durability would promise what is not yet true.
 */
public final class SynchronizeCacheHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        return r.device().flush().thenApply(v -> Outcome.good());
    }
}
