package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put16;
import static io.cairn.scsi.BigEndian.put32;

import io.cairn.scsi.AluaState;
import io.cairn.scsi.PortGroups.PortGroup;
import io.cairn.scsi.Sense;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT TARGET PORT GROUPS (SPC-4 6.37): every gateway's target port group, ordered by group id,
 * each with its state and its one port. The answer is the same from every gateway (no preferred
 * group), so a multipath host sees one consistent picture whichever path it asks through.
 */
public final class ReportTargetPortGroupsHandler implements CommandHandler {

    /** SPC-4 6.37.2: the states a group of ours can report: T_SUP, U_SUP, AO_SUP. */
    static final int SUPPORTED_STATES = 0x80 | 0x08 | 0x01;
    private static final int DESCRIPTOR = 8 + 4; // one target port per group

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        int format = r.cdb().reportingOptions();
        if (format > 1) { // SPC-4 6.37: 000b length only, 001b extended header
            return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(1, 7)));
        }
        List<PortGroup> groups = r.core().config().portGroups().groups(r.nexus());
        int header = format == 1 ? 8 : 4;
        byte[] b = new byte[header + DESCRIPTOR * groups.size()];
        put32(b, 0, b.length - 4); // RETURN DATA LENGTH: the whole list, whatever the allocation length
        if (format == 1) {
            b[4] = 0x10; // SPC-4 6.37.2: FORMAT TYPE 001b; IMPLICIT TRANSITION TIME 0 (unspecified)
        }
        int at = header;
        for (PortGroup g : groups) {
            b[at] = (byte) g.state().code(); // PREF 0: no group is preferred over another
            b[at + 1] = (byte) SUPPORTED_STATES;
            put16(b, at + 2, g.id());
            // STATUS CODE 02h: the state was altered by implicit behaviour (a gateway leaving)
            b[at + 5] = (byte) (g.state() == AluaState.ACTIVE_OPTIMIZED ? 0 : 2);
            b[at + 7] = 1; // TARGET PORT COUNT
            put16(b, at + 10, g.relativePortId());
            at += DESCRIPTOR;
        }
        return CompletableFuture.completedFuture(Outcome.data(b, r.cdb().allocationLength()));
    }
}
