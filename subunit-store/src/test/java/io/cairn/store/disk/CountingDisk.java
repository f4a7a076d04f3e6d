package io.cairn.store.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Disk} that passes everything to another and counts the forces of the files whose
 * names end in {@code suffix}; {@link #failForces} makes every later force fail (an I/O error of
 * the device), to test what a failed {@code fdatasync} does.
 */
public final class CountingDisk implements Disk {
    private final Disk inner;
    private final String suffix;
    private final AtomicInteger forces = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();

    public CountingDisk(Disk inner, String suffix) {
        this.inner = inner;
        this.suffix = suffix;
    }

    public int forces() {
        return forces.get();
    }

    public void failForces() {
        failing.set(true);
    }

    private DiskFile wrap(Path path, DiskFile f) {
        boolean counted = path.getFileName().toString().endsWith(suffix);
        return new DiskFile() {
            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return f.read(dst, position);
            }

            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                return f.write(src, position);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public void force(boolean metadata) throws IOException {
                if (failing.get()) {
                    throw new IOException("injected: the device failed the flush");
                }
                if (counted) {
                    forces.incrementAndGet();
                }
                f.force(metadata);
            }

            @Override
            public ByteBuffer mapPrivate(long position, long size) throws IOException {
                return f.mapPrivate(position, size);
            }

            @Override
            public boolean isOpen() {
                return f.isOpen();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public DiskFile open(Path path) throws IOException {
        return wrap(path, inner.open(path));
    }

    @Override
    public DiskFile createNew(Path path) throws IOException {
        return wrap(path, inner.createNew(path));
    }

    @Override
    public boolean exists(Path path) {
        return inner.exists(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        inner.createDirectories(dir);
    }

    @Override
    public void delete(Path path) throws IOException {
        inner.delete(path);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        inner.move(from, to);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return inner.list(dir);
    }
}
