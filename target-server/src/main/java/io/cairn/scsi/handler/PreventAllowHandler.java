package io.cairn.scsi.handler;

import io.cairn.scsi.Sense;
import java.util.concurrent.CompletableFuture;

/** PREVENT ALLOW MEDIUM REMOVAL (SBC-4 5.11): per I_T nexus, cleared by nexus loss and resets. */
public final class PreventAllowHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int prevent = r.cdb().prevent();
        if (prevent > 1) {
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(4, 1))); // 1xb obsolete
        }
        r.core().nexuses().prevent(r.unit().id(), r.nexus().key(), prevent == 1);
        return CompletableFuture.completedFuture(Outcome.good());
    }
}
