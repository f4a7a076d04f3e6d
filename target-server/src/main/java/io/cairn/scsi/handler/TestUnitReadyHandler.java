package io.cairn.scsi.handler;

import java.util.concurrent.CompletableFuture;

/** TEST UNIT READY (SPC-4 6.47): the medium is always present and ready once the pipeline passed. */
public final class TestUnitReadyHandler implements CommandHandler {
    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        return CompletableFuture.completedFuture(Outcome.good());
    }
}
