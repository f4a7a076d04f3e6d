package io.cairn.iscsi.conn;

import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.iscsi.target.IscsiTargets;
import io.cairn.iscsi.session.SessionRegistry;
import io.cairn.iscsi.session.WriteBudget;
import io.cairn.scsi.ScsiCore;

/** What every connection of a gateway shares. */
public record GatewayContext(ScsiCore core, SessionRegistry sessions, IscsiTargets targets, IscsiConfig config,
                             WriteBudget writeBudget) {

    public GatewayContext(ScsiCore core, SessionRegistry sessions, IscsiTargets targets, IscsiConfig config) {
        this(core, sessions, targets, config, new WriteBudget(config.writeBudgetBytes()));
    }
}
