package io.cairn.lun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.BlockGeometry;
import io.cairn.block.LbaExtent;
import io.cairn.testkit.block.BlockDeviceContract;
import io.cairn.testkit.replica.MemorySubUnit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The block-device contract over several sub-units (of 8 blocks, two granules each, the last one
 * shorter), then what splitting adds: pieces in the right sub-units, one command's outcome, atomic
 * spanning COMPARE AND WRITE.
 */
class SubUnitLunTest extends BlockDeviceContract {
    static final int SUB = 8;

    private final Random ops = new Random(7);

    @Override
    protected BlockDevice newDevice(long blockCount) {
        List<BlockDevice> units = new ArrayList<>();
        for (long first = 0; first < blockCount; first += SUB) {
            units.add(new MemorySubUnit(Math.min(SUB, blockCount - first), BS, GRANULE, executor));
        }
        return new SubUnitLun(units, SUB);
    }

    /** 7 sub-units of 8 blocks and a last one of 5: 61 blocks, 2-block granules. */
    private List<BlockDevice> subUnits() {
        List<BlockDevice> units = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            units.add(new MemorySubUnit(SUB, BS, 2, executor));
        }
        units.add(new MemorySubUnit(5, BS, 2, executor));
        return units;
    }

    @Test
    void geometryComesFromTheSubUnits() {
        SubUnitLun lun = new SubUnitLun(subUnits(), SUB);
        assertEquals(61, lun.blockCount());
        assertEquals(BS, lun.blockSize());
        assertEquals(2, lun.provisioningGranularityBlocks());
        List<BlockDevice> bad = subUnits();
        bad.set(2, new MemorySubUnit(4, BS));
        assertThrows(IllegalArgumentException.class, () -> new SubUnitLun(bad, SUB));
    }

    @Test
    void requestsCrossingOneTwoAndManyBoundaries() throws Exception {
        List<BlockDevice> units = subUnits();
        SubUnitLun lun = new SubUnitLun(units, SUB);
        long[][] ranges = {{6, 4}, {7, 10}, {3, 55}, {0, 61}, {56, 5}};
        for (long[] r : ranges) {
            byte[] data = randomBlocks((int) r[1]);
            get(lun.write(r[0], in(data), false));
            assertArrayEquals(data, read(lun, r[0], (int) r[1]), "range " + Arrays.toString(r));
        }
        // the pieces landed in the right sub-units
        byte[] whole = read(lun, 0, 61);
        assertArrayEquals(Arrays.copyOfRange(whole, 3 * SUB * BS, 4 * SUB * BS), read(units.get(3), 0, SUB));
        assertArrayEquals(Arrays.copyOfRange(whole, 56 * BS, 61 * BS), read(units.get(7), 0, 5));
    }

    @Test
    void randomOperationsMatchAReferenceArray() throws Exception {
        SubUnitLun lun = new SubUnitLun(subUnits(), SUB);
        byte[] ref = new byte[61 * BS];
        for (int op = 0; op < 400; op++) {
            int lba = ops.nextInt(61);
            int blocks = 1 + ops.nextInt(Math.min(20, 61 - lba));
            switch (ops.nextInt(5)) {
                case 0 -> {
                    byte[] data = randomBlocks(blocks);
                    get(lun.write(lba, in(data), ops.nextBoolean()));
                    System.arraycopy(data, 0, ref, lba * BS, data.length);
                }
                case 1 -> {
                    byte[] pattern = ops.nextBoolean() ? new byte[BS] : randomBlocks(1);
                    get(lun.writeSame(lba, blocks, in(pattern), ops.nextBoolean(), false));
                    for (int b = 0; b < blocks; b++) {
                        System.arraycopy(pattern, 0, ref, (lba + b) * BS, BS);
                    }
                }
                case 2 -> {
                    get(lun.unmap(lba, blocks));
                    Arrays.fill(ref, lba * BS, (lba + blocks) * BS, (byte) 0);
                }
                case 3 -> {
                    byte[] current = Arrays.copyOfRange(ref, lba * BS, (lba + blocks) * BS);
                    byte[] next = randomBlocks(blocks);
                    boolean spoil = ops.nextBoolean();
                    int at = ops.nextInt(current.length);
                    if (spoil) {
                        current[at] ^= 0x40;
                    }
                    long result = get(lun.compareAndWrite(lba, in(current), in(next), false));
                    if (spoil) {
                        assertEquals(at, result);
                    } else {
                        assertEquals(-1, result);
                        System.arraycopy(next, 0, ref, lba * BS, next.length);
                    }
                }
                default -> assertArrayEquals(Arrays.copyOfRange(ref, lba * BS, (lba + blocks) * BS),
                        read(lun, lba, blocks), "read at op " + op);
            }
        }
        get(lun.flush());
        assertArrayEquals(ref, read(lun, 0, 61));
    }

    @Test
    void lbaStatusMergesAcrossBoundariesAndStopsAtTheLimit() throws Exception {
        SubUnitLun lun = new SubUnitLun(subUnits(), SUB);
        get(lun.write(6, in(randomBlocks(12)), false)); // 6..17 mapped, across two boundaries
        get(lun.write(40, in(randomBlocks(2)), false));
        List<LbaExtent> all = List.of(new LbaExtent(0, 6, false), new LbaExtent(6, 12, true),
                new LbaExtent(18, 22, false), new LbaExtent(40, 2, true), new LbaExtent(42, 19, false));
        assertEquals(all, get(lun.lbaStatus(0, 100)));
        assertEquals(all.subList(0, 3), get(lun.lbaStatus(0, 3)));
        assertEquals(List.of(new LbaExtent(9, 9, true)), get(lun.lbaStatus(9, 1)));
        assertEquals(List.of(new LbaExtent(50, 11, false)), get(lun.lbaStatus(50, 4)));
        get(lun.unmap(6, 12));
        assertEquals(List.of(new LbaExtent(0, 40, false), new LbaExtent(40, 2, true)), get(lun.lbaStatus(0, 2)));
    }

    @Test
    void spanningCompareAndWriteIsAtomicAgainstWritesAndOtherCompares() throws Exception {
        SubUnitLun lun = new SubUnitLun(subUnits(), SUB);
        int spanningThreads = 3;
        int increments = 100;
        ExecutorService callers = Executors.newFixedThreadPool(spanningThreads + 2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < spanningThreads; t++) {
                // blocks 7 and 8 (two sub-units) both hold counter A at byte 0
                work.add(callers.submit(() -> {
                    for (int done = 0; done < increments; ) {
                        byte[] current = read(lun, 7, 2);
                        byte[] next = current.clone();
                        long a = Unpooled.wrappedBuffer(current).getLong(0);
                        Unpooled.wrappedBuffer(next).setLong(0, a + 1).setLong(BS, a + 1);
                        if (get(lun.compareAndWrite(7, in(current), in(next), false)) < 0) {
                            done++;
                        }
                    }
                    return null;
                }));
            }
            // counter B at byte 8 of block 8, bumped by one-sub-unit compares; a spanning compare
            // that was not atomic against them would write back a stale B
            work.add(callers.submit(() -> {
                for (int done = 0; done < increments; ) {
                    byte[] current = read(lun, 8, 1);
                    byte[] next = current.clone();
                    Unpooled.wrappedBuffer(next).setLong(8, Unpooled.wrappedBuffer(current).getLong(8) + 1);
                    if (get(lun.compareAndWrite(8, in(current), in(next), false)) < 0) {
                        done++;
                    }
                }
                return null;
            }));
            work.add(callers.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    get(lun.write(5, in(randomBlocks(2)), false));
                    get(lun.write(9, in(randomBlocks(3)), false));
                }
                return null;
            }));
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        ByteBuf both = Unpooled.wrappedBuffer(read(lun, 7, 2));
        assertEquals(spanningThreads * increments, both.getLong(0));
        assertEquals(spanningThreads * increments, both.getLong(BS));
        assertEquals(increments, both.getLong(BS + 8));
    }

    @Test
    void oneFailingPieceFailsTheWholeCommandWithoutLeaks() throws Exception {
        List<BlockDevice> units = new ArrayList<>();
        List<ByteBuf> returned = new ArrayList<>();
        for (BlockDevice d : subUnits()) {
            units.add(new Recording(d, returned));
        }
        units.set(2, new Failing(units.get(2)));
        SubUnitLun lun = new SubUnitLun(units, SUB);

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(lun.write(10, in(randomBlocks(12)), false)));
        assertInstanceOf(BlockDeviceException.class, e.getCause());
        assertThrows(ExecutionException.class, () -> get(lun.read(4, 30)));
        assertThrows(ExecutionException.class, () -> get(lun.writeSame(0, 30, in(randomBlocks(1)), false, false)));
        assertThrows(ExecutionException.class, () -> get(lun.unmap(0, 30)));
        assertThrows(ExecutionException.class,
                () -> get(lun.compareAndWrite(15, in(new byte[2 * BS]), in(randomBlocks(2)), false)));
        assertThrows(ExecutionException.class, () -> get(lun.flush()));
        assertThrows(ExecutionException.class, () -> get(lun.lbaStatus(0, 10)));
        // healthy pieces of the failed read and compare-and-write returned buffers: all released
        synchronized (returned) {
            assertTrue(returned.size() >= 3, "healthy pieces were read");
            for (ByteBuf b : returned) {
                assertEquals(0, b.refCnt());
            }
        }
        // requests that avoid the broken sub-unit still work
        byte[] data = randomBlocks(4);
        get(lun.write(0, in(data), false));
        assertArrayEquals(data, read(lun, 0, 4));
    }

    @Test
    void badRequestsFailAndReleaseTheirBuffers() {
        SubUnitLun lun = new SubUnitLun(subUnits(), SUB);
        assertThrows(ExecutionException.class, () -> get(lun.write(60, in(randomBlocks(2)), false)));
        assertThrows(ExecutionException.class, () -> get(lun.write(0, in(new byte[100]), false)));
        assertThrows(ExecutionException.class, () -> get(lun.writeSame(58, 4, in(randomBlocks(1)), false, false)));
        assertThrows(ExecutionException.class,
                () -> get(lun.compareAndWrite(7, in(new byte[BS]), in(new byte[2 * BS]), false)));
    }

    /** Fails every request to one sub-unit, releasing what it was given as a device must. */
    private static final class Failing implements BlockDevice {
        private final BlockDevice inner;

        Failing(BlockDevice inner) {
            this.inner = inner;
        }

        private static <T> CompletableFuture<T> fail() {
            return CompletableFuture.failedFuture(
                    new BlockDeviceException(BlockDeviceException.Kind.MEDIUM_ERROR, "injected"));
        }

        @Override public BlockGeometry geometry() { return inner.geometry(); }
        @Override public CompletableFuture<ByteBuf> read(long lba, int blocks) { return fail(); }
        @Override public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
            data.release();
            return fail();
        }
        @Override public CompletableFuture<Void> flush() { return fail(); }
        @Override public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
            block.release();
            return fail();
        }
        @Override public CompletableFuture<Void> unmap(long lba, long blocks) { return fail(); }
        @Override public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
            verify.release();
            write.release();
            return fail();
        }
        @Override public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) { return fail(); }
    }

    /** Delegates, remembering every buffer its reads return. */
    private static final class Recording implements BlockDevice {
        private final BlockDevice inner;
        private final List<ByteBuf> returned;

        Recording(BlockDevice inner, List<ByteBuf> returned) {
            this.inner = inner;
            this.returned = returned;
        }

        @Override public BlockGeometry geometry() { return inner.geometry(); }
        @Override public CompletableFuture<ByteBuf> read(long lba, int blocks) {
            return inner.read(lba, blocks).thenApply(b -> {
                synchronized (returned) {
                    returned.add(b);
                }
                return b;
            });
        }
        @Override public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) { return inner.write(lba, data, fua); }
        @Override public CompletableFuture<Void> flush() { return inner.flush(); }
        @Override public CompletableFuture<Void> writeSame(long lba, long blocks, ByteBuf block, boolean unmap, boolean fua) {
            return inner.writeSame(lba, blocks, block, unmap, fua);
        }
        @Override public CompletableFuture<Void> unmap(long lba, long blocks) { return inner.unmap(lba, blocks); }
        @Override public CompletableFuture<Long> compareAndWrite(long lba, ByteBuf verify, ByteBuf write, boolean fua) {
            return inner.compareAndWrite(lba, verify, write, fua);
        }
        @Override public CompletableFuture<List<LbaExtent>> lbaStatus(long lba, int maxExtents) { return inner.lbaStatus(lba, maxExtents); }
    }
}
