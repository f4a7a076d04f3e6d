package io.cairn.store.oplog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.replica.BlockVersion;
import io.cairn.store.disk.CountingDisk;
import io.cairn.store.disk.Disk;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpLogTest {
    /** 64 KiB segments; no checkpoint unless a test asks for one (threshold half of 1 MiB, an hour). */
    private static final OpLogSettings QUIET = new OpLogSettings(1 << 20, 64 << 10, 512 << 10, Duration.ofHours(1));

    @TempDir
    Path dir;

    private static LogRecord record(int i) {
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) i);
        return new LogRecord("lun/" + (i % 3), List.of(new LogRecord.Data(4096L * i, Unpooled.wrappedBuffer(data)),
                new LogRecord.Versions(i, i, new BlockVersion(1, i + 1), i % 2 == 0)));
    }

    /** What a replay saw, as comparable text. */
    private static String describe(LogRecord r) {
        StringBuilder b = new StringBuilder(r.subUnit());
        for (LogRecord.Effect e : r.effects()) {
            if (e instanceof LogRecord.Data d) {
                b.append(" data@").append(d.offset()).append('=').append(ByteBufUtil.hexDump(d.data(), 0, 8))
                        .append('x').append(d.data().readableBytes());
            } else {
                b.append(' ').append(e);
            }
        }
        return b.toString();
    }

    private FileOpLog open(Disk disk, OpLogSettings settings, List<String> replayed) throws IOException {
        FileOpLog log = FileOpLog.open(disk, dir, settings, r -> replayed.add(describe(r)));
        log.start(() -> { });
        return log;
    }

    @Test
    void aLogClosedWithoutCheckpointReplaysEveryRecordInOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        long end;
        try (FileOpLog log = open(Disk.local(), QUIET, new ArrayList<>())) {
            for (int i = 0; i < 40; i++) { // several segments
                log.append(record(i));
                expected.add(describe(record(i)));
            }
            end = log.appended();
            log.syncAll().get(10, TimeUnit.SECONDS);
        } // as a kill -9 leaves it: nothing checkpointed
        List<String> replayed = new ArrayList<>();
        try (FileOpLog log = open(Disk.local(), QUIET, replayed)) {
            assertEquals(expected, replayed);
            assertEquals(new Recovery(40, 0, end, null), log.recovery());
            assertEquals(end, log.appended(), "positions go on from where the log ended");
            long next = log.append(record(40));
            assertTrue(next > end);
        }
        List<String> again = new ArrayList<>();
        try (FileOpLog log = open(Disk.local(), QUIET, again)) {
            assertEquals(List.of(describe(record(40))), again, "the replayed segments were retired");
            assertEquals(end, log.recovery().from());
        }
    }

    @Test
    void aTornTailIsCutAndNeverApplied() throws Exception {
        try (FileOpLog log = open(Disk.local(), QUIET, new ArrayList<>())) {
            for (int i = 0; i < 3; i++) {
                log.append(record(i));
            }
            log.syncAll().get(10, TimeUnit.SECONDS);
        }
        Path segment = onlySegment();
        long recordBytes = OpLogFormat.encodedBytes(record(0));
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            // the third record half written: its first 2 KiB reached the disk, the rest is stale zeros
            long third = OpLogFormat.SEGMENT_HEADER_BYTES + 2 * recordBytes;
            f.seek(third + 2048);
            f.write(new byte[(int) recordBytes - 2048]);
        }
        List<String> replayed = new ArrayList<>();
        try (FileOpLog log = open(Disk.local(), QUIET, replayed)) {
            assertEquals(List.of(describe(record(0)), describe(record(1))), replayed);
            assertNotNull(log.recovery().cut(), "the torn record is reported");
            assertEquals(2 * recordBytes, log.recovery().to());
            log.append(record(7));
            log.syncAll().get(10, TimeUnit.SECONDS);
        }
        List<String> after = new ArrayList<>();
        try (FileOpLog log = open(Disk.local(), QUIET, after)) {
            assertEquals(List.of(describe(record(7))), after, "the log goes on after the cut");
            assertNull(log.recovery().cut());
        }
    }

    @Test
    void aFlippedBitEndsTheReplayAtItsRecord() throws Exception {
        try (FileOpLog log = open(Disk.local(), QUIET, new ArrayList<>())) {
            for (int i = 0; i < 3; i++) {
                log.append(record(i));
            }
            log.syncAll().get(10, TimeUnit.SECONDS);
        }
        long recordBytes = OpLogFormat.encodedBytes(record(0));
        flipByte(onlySegment(), OpLogFormat.SEGMENT_HEADER_BYTES + recordBytes + 100);
        List<String> replayed = new ArrayList<>();
        try (FileOpLog log = open(Disk.local(), QUIET, replayed)) {
            assertEquals(List.of(describe(record(0))), replayed);
            assertTrue(log.recovery().cut().contains("does not check"), log.recovery().cut());
        }
    }

    @Test
    void corruptionInAnOlderSegmentRefusesToOpen() throws Exception {
        try (FileOpLog log = open(Disk.local(), QUIET, new ArrayList<>())) {
            for (int i = 0; i < 40; i++) {
                log.append(record(i));
            }
            log.syncAll().get(10, TimeUnit.SECONDS);
        }
        List<Path> segments = segments();
        assertTrue(segments.size() >= 3, "the test needs several segments: " + segments);
        flipByte(segments.get(0), OpLogFormat.SEGMENT_HEADER_BYTES + 200);
        IOException e = assertThrows(IOException.class,
                () -> FileOpLog.open(Disk.local(), dir, QUIET, r -> { }));
        assertTrue(e.getMessage().contains("refusing") || e.getMessage().contains("does not follow on"),
                e.getMessage());
    }

    @Test
    void concurrentSyncsShareFdatasyncs() throws Exception {
        CountingDisk disk = new CountingDisk(Disk.local(), ".log");
        int threads = 16;
        int each = 40;
        try (FileOpLog log = open(disk, new OpLogSettings(64 << 20, 16 << 20, 32 << 20, Duration.ofHours(1)),
                new ArrayList<>())) {
            int before = disk.forces();
            List<Thread> workers = new ArrayList<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                Thread w = new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            long end = log.append(record(base + i));
                            log.sync(end).get(10, TimeUnit.SECONDS); // as a FUA write waits
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
            assertNull(failed.get());
            int forces = disk.forces() - before;
            System.out.printf("group commit: %d durable appends, %d fdatasyncs%n", threads * each, forces);
            assertTrue(forces < threads * each, "syncs must share fdatasyncs: " + forces);
            assertTrue(forces > 0);
        }
    }

    @Test
    void aSyncOfWhatIsDurableCompletesAtOnce() throws Exception {
        CountingDisk disk = new CountingDisk(Disk.local(), ".log");
        try (FileOpLog log = open(disk, QUIET, new ArrayList<>())) {
            long end = log.append(record(1));
            log.sync(end).get(10, TimeUnit.SECONDS);
            int forces = disk.forces();
            CompletableFuture<Void> again = log.sync(end);
            assertTrue(again.isDone(), "nothing new to make durable");
            assertTrue(log.sync(0).isDone());
            assertEquals(forces, disk.forces());
        }
    }

    @Test
    void aFullLogMakesWritesWaitForACheckpointAndNeverFail() throws Exception {
        OpLogSettings small = new OpLogSettings(256 << 10, 64 << 10, 128 << 10, Duration.ofHours(1));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger checkpoints = new AtomicInteger();
        FileOpLog log = FileOpLog.open(Disk.local(), dir, small, r -> { });
        log.start(() -> {
            checkpoints.incrementAndGet();
            try {
                release.await(); // the block files take their time to force
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            AtomicInteger appended = new AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) { // 200 records of 4 KiB: three times the capacity
                        log.append(record(i));
                        appended.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Thread.State.WAITING, writer.getState(), "the writer waits for room");
            int stuckAt = appended.get();
            Thread.sleep(100);
            assertEquals(stuckAt, appended.get(), "no append while the log is full");
            assertTrue(stuckAt * (long) OpLogFormat.encodedBytes(record(0)) <= small.capacityBytes(),
                    "the log held no more than its capacity: " + stuckAt + " records");
            assertNull(failed.get());
            release.countDown();
            writer.join(10_000);
            assertFalse(writer.isAlive());
            assertNull(failed.get(), "a full log never fails a write");
            assertEquals(200, appended.get());
            assertTrue(checkpoints.get() >= 2, "checkpoints made the room: " + checkpoints.get());
        } finally {
            release.countDown();
            log.close();
        }
    }

    @Test
    void aFailedFdatasyncFailsTheLogForGood() throws Exception {
        CountingDisk disk = new CountingDisk(Disk.local(), ".log");
        try (FileOpLog log = open(disk, QUIET, new ArrayList<>())) {
            long end = log.append(record(1));
            disk.failForces();
            ExecutionException e = assertThrows(ExecutionException.class, () -> log.sync(end).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("operation log failed"), e.getCause().getMessage());
            assertThrows(IOException.class, () -> log.append(record(2)), "no write is taken after it");
            assertTrue(log.sync(end).isCompletedExceptionally(), "nor acknowledged");
        }
    }

    @Test
    void aCheckpointTrimsTheLogAndKeepsSpareSegments() throws Exception {
        AtomicInteger forced = new AtomicInteger();
        FileOpLog log = FileOpLog.open(Disk.local(), dir, QUIET, r -> { });
        log.start(forced::incrementAndGet);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (spares().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5); // the checkpointer fills one spare ahead; the next segment is that file
        }
        assertEquals(1, spares().size(), "a zero-filled spare is ready before it is needed");
        Thread.sleep(50); // it is handed to the log right after its rename
        for (int i = 0; i < 40; i++) {
            log.append(record(i));
        }
        assertTrue(segments().size() >= 3);
        log.checkpoint();
        assertEquals(1, forced.get(), "the store forced its files before the log was trimmed");
        assertEquals(1, segments().size(), "only the segment at the mark is left");
        List<String> spares = spares();
        assertTrue(!spares.isEmpty() && spares.size() <= 2, "trimmed segments kept as spares: " + spares);
        for (String s : spares) {
            assertEquals(QUIET.segmentBytes(), Files.size(dir.resolve(s)));
        }
        long end = log.appended();
        log.close();
        List<String> replayed = new ArrayList<>();
        try (FileOpLog again = open(Disk.local(), QUIET, replayed)) {
            assertEquals(List.of(), replayed, "nothing below the checkpoint is replayed");
            assertEquals(end, again.appended());
        }
    }

    private List<String> spares() throws IOException {
        try (var names = Files.list(dir)) {
            return names.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("spare-") && n.endsWith(".seg")).toList();
        }
    }

    private Path onlySegment() throws IOException {
        List<Path> s = segments();
        assertEquals(1, s.size(), "one segment: " + s);
        return s.get(0);
    }

    private List<Path> segments() throws IOException {
        try (var names = Files.list(dir)) {
            return names.filter(p -> OpLogFormat.segmentStart(p.getFileName().toString()) >= 0).sorted().toList();
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }
}
