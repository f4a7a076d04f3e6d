package io.cairn.coord.scsi;

import java.util.List;
import java.util.Map;

/**
 * The SCSI state of one LUN that every gateway must agree on, stored as one versioned document.
 * Coordination stores it; the SCSI layer alone gives it meaning. Immutable: changes are new
 * documents written by compare-and-set through {@link ScsiContextStore}.
 *
 * <p>Nexus and port names are the SCSI transport names: an initiator port is
 * {@code <iqn>,i,0x<isid>}, a target port {@code <iqn>,t,0x<tpgt>}.
 *
 * @param prGeneration   PRgeneration (SPC-4 6.16.2), bumped by every registration change
 * @param registrations  persistent reservation registrations, in registration order
 * @param reservation    the persistent reservation, or null
 * @param aptpl          activate persist through power loss
 * @param spc2Holder     the SPC-2 RESERVE holder, or null
 * @param unitAttentions pending unit-attention conditions per I_T nexus ({@link #nexusKey}), oldest first
 * @param modePages      current values of changeable mode pages, by page code, as the SCSI layer encodes them
 */
public record ScsiContext(
        long prGeneration,
        List<PrRegistration> registrations,
        PrReservation reservation,
        boolean aptpl,
        Spc2Reservation spc2Holder,
        Map<String, List<UnitAttention>> unitAttentions,
        Map<Integer, byte[]> modePages) {

    public static final ScsiContext EMPTY =
            new ScsiContext(0, List.of(), null, false, null, Map.of(), Map.of());

    public ScsiContext {
        registrations = List.copyOf(registrations);
        unitAttentions = Map.copyOf(unitAttentions);
        modePages = Map.copyOf(modePages);
    }

    public static String nexusKey(String initiatorPort, String targetPort) {
        return initiatorPort + "|" + targetPort;
    }

    /** One registration: an I_T nexus and its reservation key. */
    public record PrRegistration(String initiatorPort, String targetPort, long key) {}

    /** The reservation: its holder nexus (the registration that made it) and type. */
    public record PrReservation(String initiatorPort, String targetPort, long key, int type) {}

    /** An SPC-2 RESERVE(6/10) holder nexus. */
    public record Spc2Reservation(String initiatorPort, String targetPort) {}

    /** A pending unit attention: additional sense code and qualifier. */
    public record UnitAttention(int asc, int ascq) {}

    public ScsiContext withRegistrations(long generation, List<PrRegistration> regs, PrReservation res) {
        return new ScsiContext(generation, regs, res, aptpl, spc2Holder, unitAttentions, modePages);
    }

    public ScsiContext withAptpl(boolean value) {
        return new ScsiContext(prGeneration, registrations, reservation, value, spc2Holder, unitAttentions, modePages);
    }

    public ScsiContext withSpc2Holder(Spc2Reservation holder) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, holder, unitAttentions, modePages);
    }

    public ScsiContext withUnitAttentions(Map<String, List<UnitAttention>> uas) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, spc2Holder, uas, modePages);
    }

    public ScsiContext withModePages(Map<Integer, byte[]> pages) {
        return new ScsiContext(prGeneration, registrations, reservation, aptpl, spc2Holder, unitAttentions, pages);
    }
}
