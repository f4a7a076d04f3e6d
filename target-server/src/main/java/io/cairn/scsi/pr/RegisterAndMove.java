package io.cairn.scsi.pr;

import static io.cairn.scsi.pr.ConflictTable.isHolder;
import static io.cairn.scsi.pr.ConflictTable.registrationOf;
import static io.cairn.scsi.pr.ConflictTable.typeOf;
import static io.cairn.scsi.pr.PersistentReserveOut.check;
import static io.cairn.scsi.pr.PersistentReserveOut.conflict;
import static io.cairn.scsi.pr.PersistentReserveOut.good;
import static io.cairn.scsi.pr.PersistentReserveOut.longAt;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.PrRegistration;
import io.cairn.coord.scsi.ScsiContext.PrReservation;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.SenseReason;

/**
 * REGISTER AND MOVE (SPC-4 5.14.8, 6.16.4): the holder registers another I_T nexus, named by an
 * iSCSI TransportID and a relative target port identifier, and hands it the reservation.
 *
 * <p>A registration knows its target port only by name, so the destination port must be the one
 * the command arrived on or one some registration already uses; and a format 00b TransportID
 * (iSCSI name without ISID) must match exactly one registered initiator port on that target port.
 * Anything else is an INVALID FIELD IN PARAMETER LIST.
 */
final class RegisterAndMove {

    private static final int HEADER = 24;

    private RegisterAndMove() {}

    static PrOutcome apply(ScsiContext ctx, ItNexus nexus, long listLength, byte[] list) {
        long tidLength = (list[20] & 0xFFL) << 24 | (list[21] & 0xFF) << 16 | (list[22] & 0xFF) << 8 | list[23] & 0xFF;
        // SPC-4 6.16.4: the list holds the header and the whole TransportID
        if (HEADER + tidLength > listLength || HEADER + tidLength > list.length) {
            return check(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        long key = longAt(list, 0);
        long saKey = longAt(list, 8);
        boolean unreg = (list[17] & 0x02) != 0;
        boolean aptpl = (list[17] & 0x01) != 0;
        int rtpi = (list[18] & 0xFF) << 8 | list[19] & 0xFF;

        PrRegistration reg = registrationOf(ctx, nexus);
        if (reg == null || reg.key() != key) {
            return conflict(); // SPC-4 5.14.8, Table 66
        }
        PrReservation res = ctx.reservation();
        // SPC-4 5.14.8: only the holder moves a reservation, and never an all registrants one
        if (res == null || !isHolder(ctx, nexus) || typeOf(res).allRegistrants()) {
            return conflict();
        }
        if (saKey == 0) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST); // SPC-4 6.16.4
        }
        IscsiTransportId.Parsed tid = IscsiTransportId.decode(list, HEADER, (int) tidLength);
        String targetPort = targetPortOf(ctx, nexus, rtpi);
        if (tid == null || targetPort == null) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        String initiatorPort = tid.initiatorPort() ? tid.name() : registeredPortOf(ctx, tid, targetPort);
        if (initiatorPort == null) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        // SPC-4 5.14.8: moving to the I_T nexus that sent the command is an error
        if (initiatorPort.equalsIgnoreCase(nexus.initiatorPort()) && targetPort.equals(nexus.targetPort())) {
            return check(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        PrChange c = new PrChange(ctx);
        PrRegistration dest = registrationOf(ctx, initiatorPort, targetPort);
        if (dest == null) {
            dest = new PrRegistration(initiatorPort, targetPort, saKey);
            c.registrations.add(dest);
        }
        // SPC-4 5.14.8: the reservation moves with the same scope and type; CDB SCOPE and TYPE are ignored
        c.reservation = new PrReservation(dest.initiatorPort(), dest.targetPort(), dest.key(), res.type());
        if (unreg) {
            c.remove(r -> PrChange.is(r, nexus));
        }
        c.bumpGeneration();
        c.aptpl = aptpl;
        return good(c.build());
    }

    private static String targetPortOf(ScsiContext ctx, ItNexus nexus, int rtpi) {
        if (rtpi == nexus.relativeTargetPortId()) {
            return nexus.targetPort();
        }
        for (PrRegistration r : ctx.registrations()) {
            if (PrInEncoder.relativeTargetPortId(r.targetPort()) == rtpi) {
                return r.targetPort();
            }
        }
        return null;
    }

    private static String registeredPortOf(ScsiContext ctx, IscsiTransportId.Parsed tid, String targetPort) {
        String found = null;
        for (PrRegistration r : ctx.registrations()) {
            if (r.targetPort().equals(targetPort) && tid.matches(r.initiatorPort())) {
                if (found != null) {
                    return null; // ambiguous: several ports of that initiator are registered
                }
                found = r.initiatorPort();
            }
        }
        return found;
    }
}
