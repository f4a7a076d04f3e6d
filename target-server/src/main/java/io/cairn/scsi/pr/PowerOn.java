package io.cairn.scsi.pr;

import io.cairn.coord.scsi.ScsiContextStore;
import java.util.Map;

/**
 * What a LUN's SCSI state looks like after a power cycle of the logical unit: registrations
 * survive only with APTPL (SPC-4 5.14.5), SPC-2 reservations and pending unit attentions of the
 * old nexuses are gone. New nexuses start without a unit attention (as with Linux LIO; see
 * DefaultScsiCore#nexusCreated). One process: at its start. A cluster: when a gateway joins with
 * no other gateway live (ZkGatewayAcks#join(String, Runnable); README "Many gateways, one LUN").
 */
public final class PowerOn {
    private PowerOn() {}

    /** Every LUN of {@code lunIds}; blocks until each is stored. */
    public static void applyAll(ScsiContextStore contexts, Iterable<String> lunIds) {
        for (String lunId : lunIds) {
            apply(contexts, lunId);
        }
    }

    public static void apply(ScsiContextStore contexts, String lunId) {
        contexts.update(lunId, ctx -> new ScsiContextStore.Update<Void>(
                PersistentReservations.onPowerOn(ctx).withUnitAttentions(Map.of()), null)).join();
    }
}
