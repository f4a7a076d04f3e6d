package io.cairn.scsi.handler;

import io.cairn.scsi.SenseReason;
import io.cairn.scsi.cdb.CdbFlag;
import java.util.concurrent.CompletableFuture;

/**
 * START STOP UNIT (SBC-4 5.27). The medium is not removable and never spins down: the command is
 * accepted, except that an eject (LOEJ=1, START=0) is refused while a nexus prevents removal.
 */
public final class StartStopUnitHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        boolean eject = r.cdb().has(CdbFlag.LOEJ) && !r.cdb().has(CdbFlag.START) && r.cdb().powerCondition() == 0;
        if (eject && r.core().nexuses().removalPrevented(r.unit().id())) {
            return CompletableFuture.completedFuture(Outcome.check(SenseReason.MEDIUM_REMOVAL_PREVENTED));
        }
        return CompletableFuture.completedFuture(Outcome.good());
    }
}
