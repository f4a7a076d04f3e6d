package io.cairn.scsi.core;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.scsi.ItNexus;
import io.cairn.scsi.LogicalUnit;
import io.cairn.scsi.LunDirectory;
import io.cairn.scsi.ScsiCore;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.UnitAttentions;
import io.cairn.scsi.handler.CoreServices;
import io.cairn.scsi.pr.PreemptedTasks;
import io.cairn.scsi.pr.Reservations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * What the logical units' SCSI context does on events rather than commands: an I_T nexus created
 * or lost, a logical unit or target reset, another gateway's target port group changing state,
 * and a context version, written through any gateway, that records a PREEMPT AND ABORT. Each
 * raises or clears unit attentions, or releases what SPC ties to a nexus, by compare-and-set of
 * the LUN's context, and keeps this gateway's nexuses published to the others.
 *
 * <p>Subscribes to the context store's apply steps and the port groups' changes when built.
 */
public final class LogicalUnitEvents {

    private final CoreServices services;

    public LogicalUnitEvents(CoreServices services) {
        this.services = services;
        services.contexts().addApplyStep(this::abortPreemptedTasks);
        services.config().portGroups().onChange(this::portGroupsChanged);
    }

    /** See {@link ScsiCore#logicalUnitReset}. */
    public CompletableFuture<Void> logicalUnitReset(ItNexus nexus, String targetName, long lun) {
        Optional<LogicalUnit> unit = services.luns().find(targetName, lun);
        if (unit.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return reset(unit.get(), nexus, SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
    }

    /** See {@link ScsiCore#targetReset}. */
    public CompletableFuture<Void> targetReset(ItNexus nexus, String targetName, boolean cold) {
        // SAM-5 6.7: a target reset acts as a logical unit reset on each logical unit
        SenseReason ua = cold ? SenseReason.POWER_ON_RESET : SenseReason.BUS_DEVICE_RESET_FUNCTION_OCCURRED;
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (LogicalUnit u : unitsOf(targetName)) {
            all.add(reset(u, nexus, ua));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** See {@link ScsiCore#nexusCreated}. */
    public void nexusCreated(ItNexus nexus, String targetName) {
        if (!services.nexuses().add(targetName, nexus)) {
            return; // reinstatement of a nexus this gateway already serves
        }
        for (LogicalUnit u : unitsOf(targetName)) {
            // A login is not a power cycle: like Linux LIO, a new I_T nexus starts without a unit
            // attention (initiators such as libiscsi read capacity right after login and do not
            // retry). Conditions left for an earlier nexus of the same name are stale.
            if (services.contexts().current(u.id()).unitAttentions().containsKey(nexus.key())) {
                update(u.id(), c -> UnitAttentions.clear(c, nexus.key()));
            }
            publishNexuses(u.id());
        }
    }

    /** See {@link ScsiCore#nexusLost}. */
    public CompletableFuture<Void> nexusLost(ItNexus nexus, String targetName) {
        services.nexuses().remove(targetName, nexus);
        Reservations rules = services.reservations();
        List<CompletableFuture<Void>> releases = new ArrayList<>();
        for (LogicalUnit u : unitsOf(targetName)) {
            releases.add(services.contexts().<Void>updateEverywhere(u.id(), c -> {
                ScsiContext next = UnitAttentions.clear(rules.onNexusLoss(c, nexus), nexus.key());
                return new Update<>(next == c ? null : next, null);
            }));
            publishNexuses(u.id());
        }
        return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new));
    }

    /**
     * SAM-5 6.6 / SBC-4 5.11: releases SPC-2 reservations, clears PREVENT, and raises a unit
     * attention for every I_T nexus of the logical unit, the requester's included (SAM-5 6.3.4 f).
     */
    private CompletableFuture<Void> reset(LogicalUnit unit, ItNexus nexus, SenseReason ua) {
        services.nexuses().clearPrevent(unit.id());
        List<String> others = new ArrayList<>(services.nexusKeysOf(unit.id()));
        if (!others.contains(nexus.key())) {
            others.add(nexus.key());
        }
        Reservations rules = services.reservations();
        // Every gateway holds the condition before the task management response goes out, so the
        // initiator's next command on any path sees it (libiscsi MultipathIO.Reset).
        return services.contexts().<Void>updateEverywhere(unit.id(), c -> {
            ScsiContext next = UnitAttentions.raise(rules.onLogicalUnitReset(c, nexus), others, ua);
            return new Update<>(next == c ? null : next, null);
        });
    }

    /**
     * SPC-4 5.14.11.2.5: a PREEMPT AND ABORT made through any gateway aborts the preempted nexuses'
     * tasks here too, before this gateway acknowledges the version that records it, so the command
     * completes only once no aborted task anywhere can still touch data. TAS=0 (control mode page):
     * aborted tasks get no status; the preempted nexuses hold REGISTRATIONS PREEMPTED.
     */
    private CompletableFuture<Void> abortPreemptedTasks(String lunId, ScsiContext before, ScsiContext after) {
        PreemptedTasks preempted = PreemptedTasks.between(before, after);
        if (preempted.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Set<String> keys = preempted.everyTask() ? Set.copyOf(services.localNexusKeysOf(lunId)) : preempted.nexusKeys();
        return services.aborter().abortTasks(lunId, keys);
    }

    /**
     * SPC-4 5.16.2.6: another gateway's target port group joined, left or changed state, so every
     * I_T nexus of this gateway gets ASYMMETRIC ACCESS STATE CHANGED (queued once, however many
     * steps a leave takes before the host asks again). Each gateway raises it only for its own
     * nexuses, when its own watch sees the change: a gateway that is killed cannot raise anything
     * for others, so the survivors must react to the change anyway; a gateway knows its own nexuses
     * without lag (the shared directory may trail); and it costs one compare-and-set per LUN per
     * gateway, with no gateway writing nexus state it does not serve.
     */
    private void portGroupsChanged() {
        Set<String> done = new HashSet<>();
        for (String target : services.nexuses().targets()) {
            for (LogicalUnit u : unitsOf(target)) {
                if (!done.add(u.id())) {
                    continue;
                }
                List<String> mine = services.localNexusKeysOf(u.id());
                update(u.id(), c -> UnitAttentions.raise(c, mine, SenseReason.ASYMMETRIC_ACCESS_STATE_CHANGED))
                        .exceptionally(e -> null); // coordination unavailable: this gateway fails closed anyway
            }
        }
    }

    /** Tells the other gateways which nexuses see this logical unit here. */
    private void publishNexuses(String lunId) {
        try {
            services.shared().publish(lunId, Set.copyOf(services.localNexusKeysOf(lunId)));
        } catch (RuntimeException e) {
            // Coordination unavailable: the directory catches up on the next change.
        }
    }

    private CompletableFuture<Void> update(String lunId, UnaryOperator<ScsiContext> change) {
        return services.contexts().<Void>update(lunId, c -> {
            ScsiContext next = change.apply(c);
            return new Update<>(next == c ? null : next, null);
        });
    }

    private List<LogicalUnit> unitsOf(String targetName) {
        LunDirectory luns = services.luns();
        List<LogicalUnit> units = new ArrayList<>();
        for (long l : luns.luns(targetName)) {
            luns.find(targetName, l).ifPresent(units::add);
        }
        return units;
    }
}
