package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put16;
import static io.cairn.scsi.BigEndian.put32;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.Sense;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT TARGET PORT GROUPS (SPC-4 6.36): the group of the port the command came through, with
 * that port. Each gateway is its own group; other gateways' groups are not known here.
 */
public final class ReportTargetPortGroupsHandler implements CommandHandler {

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int format = r.cdb().reportingOptions();
        if (format > 1) {
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(1, 7)));
        }
        ItNexus n = r.nexus();
        AluaState state = r.core().config().portGroupState().apply(n.targetPortGroup());
        int header = format == 1 ? 8 : 4;
        byte[] b = new byte[header + 8 + 4];
        put32(b, 0, b.length - 4);
        if (format == 1) {
            b[4] = 0x10; // SPC-4 6.36.2: extended header format
        }
        int at = header;
        b[at] = (byte) (0x80 | state.code()); // PREF: this gateway is preferred for its own paths
        b[at + 1] = (byte) (0x80 | 0x08 | 0x04 | 0x01); // T_SUP, U_SUP, S_SUP, AO_SUP
        put16(b, at + 2, n.targetPortGroup());
        b[at + 7] = 1; // TARGET PORT COUNT
        put16(b, at + 10, n.relativeTargetPortId());
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
