package io.cairn.testkit.replica;

import io.cairn.replica.SubUnitReplica;
import io.cairn.testkit.block.BlockDeviceContract;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.replica.SubUnitReplica.BlockRun;
import io.cairn.replica.BlockVersion;
import io.cairn.replica.VersionSnapshot;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The versioned behaviour every {@link SubUnitReplica} shares (512-byte blocks, 4-block
 * replication blocks, as {@link BlockDeviceContract}); buffers are tracked the same way.
 */
public abstract class SubUnitReplicaContract extends BlockDeviceContract {

    private SubUnitReplica replica(long blocks) throws Exception {
        return (SubUnitReplica) newDevice(blocks);
    }

    @Test
    public void epochStampedWritesVersionEveryTouchedBlock() throws Exception {
        SubUnitReplica d = replica(64);
        assertEquals(GRANULE * BS, d.replicationBlockBytes());
        assertEquals(16, d.replicationBlocks());
        get(d.write(3, in(randomBlocks(2)), false, 5)); // blocks 3..4: replication blocks 0 and 1
        VersionSnapshot s = get(d.versions());
        assertEquals(5, s.version(0).epoch());
        assertEquals(s.version(0), s.version(1));
        assertEquals(BlockVersion.NONE, s.version(2));
        // a plain BlockDevice write is stamped with the highest epoch seen, and is newer
        get(d.write(8, in(randomBlocks(1)), false));
        VersionSnapshot t = get(d.versions());
        assertEquals(5, t.version(2).epoch());
        assertTrue(t.version(2).newerThan(t.version(0)));
        get(d.unmap(0, 4, true, 6));
        VersionSnapshot u = get(d.versions());
        assertEquals(6, u.version(0).epoch());
        assertFalse(u.mapped()[0]);
        assertTrue(u.mapped()[1]);
    }

    @Test
    public void restampGivesANewerVersionAndChangesNothingElse() throws Exception {
        SubUnitReplica d = replica(64);
        byte[] a = randomBlocks(GRANULE);
        BlockVersion written = get(d.write(0, in(a), false, 2));
        VersionSnapshot before = get(d.versions());
        assertEquals(before.version(0), written, "a write answers with the version it stamped");
        get(d.restamp(0, 2, 3)); // block 0 written, block 1 never
        VersionSnapshot after = get(d.versions());
        assertEquals(3, after.version(0).epoch());
        assertTrue(after.version(0).newerThan(before.version(0)));
        assertEquals(after.version(0), after.version(1), "one version per restamp");
        assertTrue(after.mapped()[0]);
        assertFalse(after.mapped()[1], "a deallocated block stays deallocated");
        assertEquals(BlockVersion.NONE, after.version(2));
        assertArrayEquals(a, read(d, 0, GRANULE));
    }

    @Test
    public void applyWritesOnlyNewerBlocks() throws Exception {
        SubUnitReplica d = replica(62); // last replication block is 2 blocks short
        byte[] a = randomBlocks(8);
        byte[] b = randomBlocks(8);
        assertEquals(2, get(d.apply(2, 2, in(a), new BlockVersion(1, 10), false)));
        assertEquals(0, get(d.apply(2, 2, in(b), new BlockVersion(1, 10), false)), "same version: not newer");
        assertEquals(0, get(d.apply(2, 2, in(b), new BlockVersion(0, 99), false)), "older epoch: not newer");
        assertArrayEquals(a, read(d, 8, 8));
        assertEquals(1, get(d.apply(3, 1, null, new BlockVersion(2, 1), true)));
        assertArrayEquals(filled(4, 0), read(d, 12, 4));
        assertFalse(get(d.versions()).mapped()[3]);
        byte[] tail = randomBlocks(2);
        assertEquals(1, get(d.apply(15, 1, in(tail), new BlockVersion(1, 11), false)));
        assertArrayEquals(tail, read(d, 60, 2));
        assertEquals(0, get(d.apply(0, 0, null, BlockVersion.NONE, true)), "a zero-block fua apply only forces");
    }

    @Test
    public void applyOfDataInPiecesWritesItWhole() throws Exception {
        SubUnitReplica d = replica(64);
        byte[] a = randomBlocks(12);
        assertEquals(3, get(d.apply(1, 3, inPieces(a, 1000, 2048, 5000), new BlockVersion(1, 10), false)));
        assertArrayEquals(a, read(d, 4, 12));
    }

    @Test
    public void readBlocksReturnsRunsWithTheirVersions() throws Exception {
        SubUnitReplica d = replica(64);
        byte[] a = randomBlocks(8);
        get(d.write(0, in(a), false, 1));
        get(d.write(12, in(randomBlocks(4)), false, 1));
        List<BlockRun> runs = get(d.readBlocks(0, 4));
        try {
            VersionSnapshot s = get(d.versions());
            assertEquals(3, runs.size());
            assertEquals(0, runs.get(0).first());
            assertEquals(2, runs.get(0).count());
            assertEquals(s.version(0), runs.get(0).version());
            assertArrayEquals(a, ByteBufUtil.getBytes(runs.get(0).data()));
            assertEquals(2, runs.get(1).first());
            assertNull(runs.get(1).data(), "unwritten blocks travel as deallocated");
            assertEquals(BlockVersion.NONE, runs.get(1).version());
            assertEquals(3, runs.get(2).first());
            assertEquals(4 * BS, runs.get(2).data().readableBytes());
        } finally {
            BlockRun.releaseAll(runs);
        }
    }

    @Test
    public void copiesMadeByApplyingReadBlocksDigestTheSame() throws Exception {
        SubUnitReplica src = replica(64);
        SubUnitReplica dst = replica(64);
        get(src.write(5, in(randomBlocks(9)), false, 1));
        get(src.writeSame(40, 8, in(randomBlocks(1)), false, false, 1));
        List<BlockRun> runs = get(src.readBlocks(0, src.replicationBlocks()));
        for (BlockRun r : runs) {
            get(dst.apply(r.first(), r.count(), r.data(), r.version(), false)); // apply takes ownership
        }
        long[] ds = get(src.digests());
        assertArrayEquals(ds, get(dst.digests()));
        assertEquals(0, ds[15]);
        assertNotEquals(0, ds[1]);
        assertArrayEquals(get(src.versions()).ids(), get(dst.versions()).ids());
    }
}
