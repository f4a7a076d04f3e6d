package io.cairn.store.replica;

import io.cairn.replica.SubUnitId;

/**
 * The outcome of one resync of a replica by the primary.
 *
 * @param blocksCompared replication blocks whose versions were compared (the whole sub-unit)
 * @param blocksCopied   replication blocks sent because the primary's version was newer
 */
public record ResyncReport(SubUnitId subUnit, int replica, long epoch, int blocksCompared, int blocksCopied,
                           long millis) {}
