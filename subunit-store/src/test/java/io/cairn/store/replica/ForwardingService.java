package io.cairn.store.replica;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.ReplicaService;
import io.cairn.replica.SubUnitId;
import io.cairn.replica.Verification;
import io.cairn.replica.VersionSnapshot;
import io.cairn.block.LbaExtent;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Passes every request to another service; tests override what they intercept. */
class ForwardingService implements ReplicaService {
    final ReplicaService target;

    ForwardingService(ReplicaService target) {
        this.target = target;
    }

    @Override
    public CompletableFuture<ByteBuf> read(SubUnitId id, long epoch, long lba, int blocks) {
        return target.read(id, epoch, lba, blocks);
    }

    @Override
    public CompletableFuture<Void> write(SubUnitId id, long epoch, long lba, ByteBuf data, boolean fua) {
        return target.write(id, epoch, lba, data, fua);
    }

    @Override
    public CompletableFuture<Void> writeSame(SubUnitId id, long epoch, long lba, long blocks, ByteBuf block,
                                             boolean unmap, boolean fua) {
        return target.writeSame(id, epoch, lba, blocks, block, unmap, fua);
    }

    @Override
    public CompletableFuture<Void> unmap(SubUnitId id, long epoch, long lba, long blocks) {
        return target.unmap(id, epoch, lba, blocks);
    }

    @Override
    public CompletableFuture<Void> flush(SubUnitId id, long epoch) {
        return target.flush(id, epoch);
    }

    @Override
    public CompletableFuture<Long> compareAndWrite(SubUnitId id, long epoch, long lba, ByteBuf verify, ByteBuf write,
                                                   boolean fua) {
        return target.compareAndWrite(id, epoch, lba, verify, write, fua);
    }

    @Override
    public CompletableFuture<List<LbaExtent>> lbaStatus(SubUnitId id, long epoch, long lba, int maxExtents) {
        return target.lbaStatus(id, epoch, lba, maxExtents);
    }

    @Override
    public CompletableFuture<Void> replicate(SubUnitId id, long epoch, int first, int count, ByteBuf data,
                                             BlockVersion version, boolean fua) {
        return target.replicate(id, epoch, first, count, data, version, fua);
    }

    @Override
    public CompletableFuture<VersionSnapshot> versions(SubUnitId id, long epoch) {
        return target.versions(id, epoch);
    }

    @Override
    public CompletableFuture<Verification> verify(SubUnitId id) {
        return target.verify(id);
    }
}
