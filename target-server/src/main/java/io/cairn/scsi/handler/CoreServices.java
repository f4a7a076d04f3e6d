package io.cairn.scsi.handler;

import io.cairn.coord.scsi.ScsiContextStore;
import io.cairn.scsi.LunDirectory;
import io.cairn.scsi.NexusRegistry;
import io.cairn.scsi.ScsiCoreConfig;
import io.cairn.scsi.TaskAborter;
import io.cairn.scsi.pr.Reservations;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** What handlers may reach beyond their request: the core's collaborators, shared by all commands. */
public record CoreServices(
        LunDirectory luns,
        ScsiContextStore contexts,
        ScsiCoreConfig config,
        SupportedCommands commands,
        Reservations reservations,
        TaskAborter aborter,
        NexusRegistry nexuses,
        Executor executor,
        io.cairn.scsi.SharedNexuses shared) {

    /**
     * Keys of every nexus through which logical unit {@code lunId} is visible: this gateway's, and
     * those other gateways publish.
     */
    public List<String> nexusKeysOf(String lunId) {
        List<String> keys = new ArrayList<>(localNexusKeysOf(lunId));
        for (String k : shared.of(lunId)) {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        return keys;
    }

    /** Keys of this gateway's nexuses through which logical unit {@code lunId} is visible. */
    public List<String> localNexusKeysOf(String lunId) {
        List<String> keys = new ArrayList<>();
        for (String target : nexuses.targets()) {
            boolean presents = luns.luns(target).stream()
                    .anyMatch(l -> luns.find(target, l).map(u -> u.id().equals(lunId)).orElse(false));
            if (presents) {
                nexuses.of(target).forEach(n -> keys.add(n.key()));
            }
        }
        return keys;
    }
}
