package io.cairn.lun.device;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.coord.placement.PlacementStore;
import io.cairn.coord.placement.SubUnitPlacement;
import io.cairn.replica.SubUnitId;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * A distributed LUN as a gateway sees it: a {@link SubUnitLun} (which splits requests at sub-unit
 * boundaries and makes them complete as one command) over one {@link RemoteSubUnit} per sub-unit,
 * each sending its pieces to that sub-unit's current primary and riding out failovers for up to
 * {@code failoverWait}. Buffer ownership exactly as {@link BlockDevice}. Thread-safe.
 */
public final class DistributedLun implements BlockDevice {

    /** Well inside the 30 s command timeout of Linux and ESXi initiators, so a failover is not an abort. */
    public static final Duration DEFAULT_FAILOVER_WAIT = Duration.ofSeconds(20);

    private final String lunId;
    private final int subUnits;
    private final PlacementStore placements;
    private final SubUnitLun lun;

    /** @param timer runs the waits between retries (never blocks) */
    public DistributedLun(LunDefinition definition, PlacementStore placements, Nodes nodes,
                          ScheduledExecutorService timer, Duration failoverWait, LongSupplier nanoTime) {
        this.lunId = definition.id();
        this.subUnits = definition.subUnitCount();
        this.placements = placements;
        List<BlockDevice> devices = new ArrayList<>(subUnits);
        for (int i = 0; i < subUnits; i++) {
            devices.add(new RemoteSubUnit(new SubUnitId(lunId, i), definition.blockSize(),
                    definition.subUnitBlockCount(i), placements, nodes,
                    timer, failoverWait, nanoTime));
        }
        this.lun = new SubUnitLun(devices, definition.subUnitBlocks(), definition.durability());
    }

    public DistributedLun(LunDefinition definition, PlacementStore placements, Nodes nodes,
                          ScheduledExecutorService timer) {
        this(definition, placements, nodes, timer, DEFAULT_FAILOVER_WAIT, System::nanoTime);
    }

    public String lunId() {
        return lunId;
    }

    /**
     * True if some sub-unit has fewer in-sync copies than replicas, or no placement: writes are
     * acknowledged with less redundancy than the LUN's policy asks, or cannot be served.
     */
    public boolean degraded() {
        List<SubUnitPlacement> placed = placements.list(lunId);
        return placed.size() < subUnits || placed.stream().anyMatch(SubUnitPlacement::degraded);
    }

    @Override
    public BlockGeometry geometry() {
        return lun.geometry();
    }

    @Override
    public boolean writeCache() {
        return lun.writeCache();
    }

    /** The returned buffer belongs to the caller. */
    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks) {
        return lun.read(lba, blocks);
    }

    /** Takes ownership of {@code data}. */
    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return lun.write(lba, data, fua);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return lun.flush();
    }

    /** Takes ownership of {@code block}. */
    @Override
    public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
        return lun.writeSame(lba, blocks, block, unmap, fua);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return lun.unmap(lba, blocks);
    }

    /** Takes ownership of {@code verify} and {@code write}. */
    @Override
    public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
        return lun.compareAndWrite(lba, verify, write, fua);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) {
        return lun.lbaStatus(lba, maxExtents);
    }
}
