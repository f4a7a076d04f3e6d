package io.cairn.testkit.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.block.BlockDevice;
import io.cairn.block.BlockDeviceException;
import io.cairn.block.LbaExtent;
import io.cairn.block.ThinProvisioning;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlockDevice} shares, run against each implementation by a subclass.
 * Subclasses make devices of 512-byte blocks with 4-block deallocation granules. Every buffer a
 * test hands to a device is tracked and must be released by the device when the test ends.
 */
public abstract class BlockDeviceContract {
    protected static final int BS = 512;
    protected static final int GRANULE = 4;

    protected ExecutorService executor;
    private final BlockBuffers buffers = new BlockBuffers(BS, 42);

    /** A fresh, empty device of {@code blockCount} blocks of {@link #BS} with {@link #GRANULE}-block granules. */
    protected abstract BlockDevice newDevice(long blockCount) throws Exception;

    /**
     * Whether the device tells its granule ({@link ThinProvisioning}). A device that deallocates in
     * granules without saying so still passes every other case: its granules are its parts'.
     */
    protected boolean reportsGranule() {
        return true;
    }

    @BeforeEach
    public void startExecutor() {
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    public void everyInputReleased() throws Exception {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        buffers.assertAllReleased();
    }

    /** A tracked direct buffer holding {@code bytes}; ownership goes to the device it is passed to. */
    protected ByteBuf in(byte[] bytes) {
        return buffers.in(bytes);
    }

    /** As {@link #in}, in pieces cut at the given offsets: see {@link BlockBuffers#inPieces}. */
    protected ByteBuf inPieces(byte[] bytes, int... cuts) {
        return buffers.inPieces(bytes, cuts);
    }

    protected byte[] randomBlocks(int blocks) {
        return buffers.randomBlocks(blocks);
    }

    protected static byte[] filled(int blocks, int value) {
        byte[] b = new byte[blocks * BS];
        Arrays.fill(b, (byte) value);
        return b;
    }

    protected static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    protected static byte[] read(BlockDevice d, long lba, int blocks) throws Exception {
        ByteBuf b = get(d.read(lba, blocks));
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    public void readsYourWrites() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] data = randomBlocks(3);
        get(d.write(5, in(data), false));
        assertArrayEquals(data, read(d, 5, 3));
        assertArrayEquals(filled(1, 0), read(d, 4, 1));
        assertArrayEquals(filled(1, 0), read(d, 8, 1));
    }

    @Test
    public void dataReceivedInPiecesIsWrittenWhole() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] ragged = randomBlocks(20);
        get(d.write(3, inPieces(ragged, 700, 4096, 4100), false)); // pieces end inside blocks and pages
        assertArrayEquals(ragged, read(d, 3, 20));
        byte[] paged = randomBlocks(24);
        get(d.write(40, inPieces(paged, 4096, 8192), false)); // pieces end on the file's page boundaries
        assertArrayEquals(paged, read(d, 40, 24));
        assertArrayEquals(ragged, read(d, 3, 20));
        byte[] many = randomBlocks(30);
        int[] cuts = new int[14];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = 1000 * (i + 1); // cuts inside nearly every page, two in some
        }
        get(d.write(33, inPieces(many, cuts), false));
        assertArrayEquals(many, read(d, 33, 30));
        assertArrayEquals(ragged, read(d, 3, 20));
    }

    @Test
    public void unwrittenBlocksReadAsZerosAndAreDeallocated() throws Exception {
        BlockDevice d = newDevice(64);
        assertEquals(BS, d.blockSize());
        assertEquals(64, d.blockCount());
        if (reportsGranule()) {
            assertEquals(GRANULE, ((ThinProvisioning) d).provisioningGranularityBlocks());
        }
        assertArrayEquals(filled(64, 0), read(d, 0, 64));
        assertEquals(List.of(new LbaExtent(0, 64, false)), get(d.lbaStatus(0, 10)));
    }

    @Test
    public void fuaWritesAndFlushComplete() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] a = randomBlocks(2);
        byte[] b = randomBlocks(2);
        get(d.write(0, in(a), true));
        get(d.write(10, in(b), false));
        get(d.flush());
        assertArrayEquals(a, read(d, 0, 2));
        assertArrayEquals(b, read(d, 10, 2));
    }

    @Test
    public void writeSameRepeatsThePattern() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] pattern = randomBlocks(1);
        get(d.writeSame(10, 7, in(pattern), false, false));
        byte[] got = read(d, 9, 9);
        assertArrayEquals(filled(1, 0), Arrays.copyOfRange(got, 0, BS));
        for (int i = 1; i <= 7; i++) {
            assertArrayEquals(pattern, Arrays.copyOfRange(got, i * BS, (i + 1) * BS), "block " + (9 + i));
        }
        assertArrayEquals(filled(1, 0), Arrays.copyOfRange(got, 8 * BS, 9 * BS));
        // UNMAP with a non-zero pattern must write it
        get(d.writeSame(30, 2, in(pattern), true, false));
        assertArrayEquals(pattern, read(d, 31, 1));
    }

    @Test
    public void writeSameUnmapOfZerosDeallocates() throws Exception {
        BlockDevice d = newDevice(64);
        get(d.write(0, in(filled(16, 0xAB)), false));
        get(d.writeSame(4, 8, in(filled(1, 0)), true, false));
        assertArrayEquals(filled(8, 0), read(d, 4, 8));
        assertArrayEquals(filled(4, 0xAB), read(d, 0, 4));
        assertArrayEquals(filled(4, 0xAB), read(d, 12, 4));
        assertEquals(List.of(new LbaExtent(0, 4, true), new LbaExtent(4, 8, false),
                new LbaExtent(12, 4, true), new LbaExtent(16, 48, false)), get(d.lbaStatus(0, 10)));
    }

    @Test
    public void unmapZeroesAndDeallocatesWholeGranulesOnly() throws Exception {
        BlockDevice d = newDevice(64);
        get(d.write(0, in(filled(8, 0x11)), false));
        get(d.unmap(1, 6));
        byte[] got = read(d, 0, 8);
        byte[] expected = filled(8, 0);
        Arrays.fill(expected, 0, BS, (byte) 0x11);
        Arrays.fill(expected, 7 * BS, 8 * BS, (byte) 0x11);
        assertArrayEquals(expected, got);
        // neither granule was covered entirely: both stay mapped (libiscsi get_lba_status_unmap_single)
        assertEquals(new LbaExtent(0, 8, true), get(d.lbaStatus(0, 1)).get(0));
        get(d.unmap(0, 8));
        assertArrayEquals(filled(8, 0), read(d, 0, 8));
        assertEquals(List.of(new LbaExtent(0, 64, false)), get(d.lbaStatus(0, 5)));
    }

    @Test
    public void lbaStatusReportsConsecutiveExtentsUpToTheLimit() throws Exception {
        BlockDevice d = newDevice(64);
        get(d.write(8, in(randomBlocks(4)), false));
        get(d.write(21, in(randomBlocks(1)), false));
        List<LbaExtent> all = List.of(new LbaExtent(0, 8, false), new LbaExtent(8, 4, true),
                new LbaExtent(12, 8, false), new LbaExtent(20, 4, true), new LbaExtent(24, 40, false));
        assertEquals(all, get(d.lbaStatus(0, 100)));
        assertEquals(all.subList(0, 2), get(d.lbaStatus(0, 2)));
        assertEquals(List.of(new LbaExtent(9, 3, true), new LbaExtent(12, 8, false)), get(d.lbaStatus(9, 2)));
        assertEquals(List.of(new LbaExtent(63, 1, false)), get(d.lbaStatus(63, 5)));
    }

    @Test
    public void writeIntoDeallocatedGranuleReadsZerosAroundIt() throws Exception {
        BlockDevice d = newDevice(64);
        get(d.write(0, in(filled(8, 0x5A)), false));
        get(d.unmap(0, 8));
        byte[] one = randomBlocks(1);
        get(d.write(2, in(one), false));
        byte[] expected = filled(8, 0);
        System.arraycopy(one, 0, expected, 2 * BS, BS);
        assertArrayEquals(expected, read(d, 0, 8));
        assertEquals(List.of(new LbaExtent(0, 4, true), new LbaExtent(4, 60, false)), get(d.lbaStatus(0, 10)));
    }

    @Test
    public void shortLastGranuleDeallocates() throws Exception {
        BlockDevice d = newDevice(62);
        get(d.write(56, in(filled(6, 7)), false));
        get(d.unmap(60, 2));
        assertEquals(List.of(new LbaExtent(56, 4, true), new LbaExtent(60, 2, false)), get(d.lbaStatus(56, 10)));
        assertArrayEquals(filled(2, 0), read(d, 60, 2));
    }

    @Test
    public void compareAndWriteWritesOnMatch() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] a = randomBlocks(2);
        byte[] b = randomBlocks(2);
        get(d.write(3, in(a), false));
        assertEquals(-1L, get(d.compareAndWrite(3, in(a), in(b), true)));
        assertArrayEquals(b, read(d, 3, 2));
    }

    @Test
    public void compareAndWriteReportsFirstMismatchAndWritesNothing() throws Exception {
        BlockDevice d = newDevice(64);
        byte[] a = randomBlocks(2);
        get(d.write(3, in(a), false));
        byte[] verify = a.clone();
        verify[700] ^= 1;
        verify[900] ^= 1;
        assertEquals(700L, get(d.compareAndWrite(3, in(verify), in(randomBlocks(2)), false)));
        assertArrayEquals(a, read(d, 3, 2));
        // unwritten blocks compare as zeros
        assertEquals(-1L, get(d.compareAndWrite(40, in(filled(1, 0)), in(filled(1, 9)), false)));
        assertArrayEquals(filled(1, 9), read(d, 40, 1));
    }

    @Test
    public void compareAndWriteIsAtomicUnderConcurrentWriters() throws Exception {
        BlockDevice d = newDevice(64);
        int threads = 4;
        int increments = 150;
        ExecutorService callers = Executors.newFixedThreadPool(threads + 2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                work.add(callers.submit(() -> {
                    for (int done = 0; done < increments; ) {
                        byte[] current = read(d, 0, 1);
                        long value = Unpooled.wrappedBuffer(current).getLong(0);
                        byte[] next = current.clone();
                        Unpooled.wrappedBuffer(next).setLong(0, value + 1);
                        if (get(d.compareAndWrite(0, in(current), in(next), false)) < 0) {
                            done++;
                        }
                    }
                    return null;
                }));
            }
            // plain writers hammer the same granule and the next one
            for (int t = 0; t < 2; t++) {
                int lba = 1 + t * 3;
                work.add(callers.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        get(d.write(lba, in(filled(2, i)), false));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(threads * increments, Unpooled.wrappedBuffer(read(d, 0, 1)).getLong(0));
        assertArrayEquals(filled(2, 299 & 0xFF), read(d, 1, 2));
    }

    @Test
    public void failedRequestsReleaseTheirBuffers() throws Exception {
        BlockDevice d = newDevice(64);
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(d.write(63, in(filled(2, 1)), false)));
        assertEquals(BlockDeviceException.class, e.getCause().getClass());
        assertThrows(ExecutionException.class, () -> get(d.write(0, in(new byte[100]), false)));
        assertThrows(ExecutionException.class, () -> get(d.writeSame(0, 2, in(filled(2, 1)), false, false)));
        assertThrows(ExecutionException.class,
                () -> get(d.compareAndWrite(0, in(filled(1, 0)), in(filled(2, 0)), false)));
        assertThrows(ExecutionException.class, () -> get(d.compareAndWrite(64, in(filled(1, 0)), in(filled(1, 0)), false)));
        assertArrayEquals(filled(64, 0), read(d, 0, 64));
    }
}
