package io.cairn.store.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link Disk} in memory that can lose power: a model of a disk with a volatile page cache, for
 * tests of what survives a power cut. Every file has the image reads see (the page cache) and the
 * image on the medium; {@link DiskFile#force} copies the first to the second (the file's size
 * too). {@link #cut} returns the disk as it comes back: each file's
 * medium image, plus, for every 4 KiB page that was changed and not forced, that page's newer
 * contents with probability {@code writebackChance}, page by page, independently, as a kernel
 * writing back dirty pages in any order would leave it; a page written back past the durable size
 * extends the file. Directory operations (create, delete, rename) are durable at once, as the
 * {@link Disk} contract says. After a cut every handle of the old disk fails, as the machine that
 * held them is gone. A private mapping is a copy of the file's bytes that nothing writes back.
 */
public final class PowerCutDisk implements Disk {
    static final int PAGE = 4096;

    private static final class Image {
        byte[] cache = new byte[0];
        long size;
        byte[] medium = new byte[0];
        long mediumSize;

        void ensure(long bytes) {
            if (bytes > cache.length) {
                cache = Arrays.copyOf(cache, (int) Math.max(bytes, Math.min(Integer.MAX_VALUE - 8, cache.length * 2L)));
            }
        }

        void force() {
            medium = Arrays.copyOf(cache, (int) size);
            mediumSize = size;
        }
    }

    private final Map<Path, Image> files = new TreeMap<>();
    private final Set<Path> dirs = new HashSet<>();
    private volatile boolean dead;

    @Override
    public synchronized DiskFile open(Path path) throws IOException {
        live();
        Image image = files.get(key(path));
        if (image == null) {
            throw new NoSuchFileException(path.toString());
        }
        return new Handle(image);
    }

    @Override
    public synchronized DiskFile createNew(Path path) throws IOException {
        live();
        Path k = key(path);
        if (files.containsKey(k)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        Image image = new Image();
        files.put(k, image);
        return new Handle(image);
    }

    @Override
    public synchronized boolean exists(Path path) {
        Path k = key(path);
        return files.containsKey(k) || dirs.contains(k);
    }

    @Override
    public synchronized void createDirectories(Path dir) throws IOException {
        live();
        for (Path p = key(dir); p != null; p = p.getParent()) {
            dirs.add(p);
        }
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        live();
        files.remove(key(path));
    }

    @Override
    public synchronized void move(Path from, Path to) throws IOException {
        live();
        Image image = files.remove(key(from));
        if (image == null) {
            throw new NoSuchFileException(from.toString());
        }
        files.put(key(to), image);
    }

    @Override
    public synchronized List<String> list(Path dir) {
        Path k = key(dir);
        List<String> names = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (k.equals(p.getParent())) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Cuts the power: this disk and every handle on it fail from now on, and the disk as it comes
     * back is returned (see the class comment).
     */
    public PowerCutDisk cut(Random random, double writebackChance) {
        PowerCutDisk after = new PowerCutDisk();
        synchronized (this) {
            dead = true;
            after.dirs.addAll(dirs);
            for (Map.Entry<Path, Image> e : files.entrySet()) {
                Image old = e.getValue();
                Image img = new Image();
                long size;
                byte[] bytes;
                synchronized (old) {
                    size = old.mediumSize;
                    bytes = Arrays.copyOf(old.medium, (int) Math.max(old.mediumSize, old.size));
                    for (long page = 0; page < old.size; page += PAGE) {
                        int end = (int) Math.min(old.size, page + PAGE);
                        if (!samePage(old, (int) page, end) && random.nextDouble() < writebackChance) {
                            System.arraycopy(old.cache, (int) page, bytes, (int) page, end - (int) page);
                            size = Math.max(size, end);
                        }
                    }
                }
                img.cache = Arrays.copyOf(bytes, (int) size);
                img.size = size;
                img.force();
                after.files.put(e.getKey(), img);
            }
        }
        return after;
    }

    /** A copy of what is on the medium now, as a disk of its own (for a post-mortem). */
    public synchronized PowerCutDisk snapshot() {
        PowerCutDisk copy = new PowerCutDisk();
        copy.dirs.addAll(dirs);
        for (Map.Entry<Path, Image> e : files.entrySet()) {
            Image img = new Image();
            synchronized (e.getValue()) {
                img.cache = Arrays.copyOf(e.getValue().medium, (int) e.getValue().mediumSize);
                img.size = e.getValue().mediumSize;
            }
            img.force();
            copy.files.put(e.getKey(), img);
        }
        return copy;
    }

    private static boolean samePage(Image img, int from, int to) {
        if (to > img.mediumSize) {
            return false;
        }
        return Arrays.equals(img.cache, from, to, img.medium, from, to);
    }

    private void live() throws IOException {
        if (dead) {
            throw new IOException("the power is off");
        }
    }

    private static Path key(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private final class Handle implements DiskFile {
        private final Image image;
        private volatile boolean open = true;

        Handle(Image image) {
            this.image = image;
        }

        private void check() throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            live();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (image) {
                check();
                if (position >= image.size) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), image.size - position);
                dst.put(image.cache, (int) position, n);
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            synchronized (image) {
                check();
                int n = src.remaining();
                image.ensure(position + n);
                src.get(image.cache, (int) position, n);
                image.size = Math.max(image.size, position + n);
                return n;
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (image) {
                check();
                return image.size;
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (image) {
                check();
                if (size < image.size) {
                    Arrays.fill(image.cache, (int) size, (int) image.size, (byte) 0);
                    image.size = size;
                }
            }
        }

        @Override
        public void force(boolean metadata) throws IOException {
            synchronized (image) {
                check();
                image.force();
            }
        }

        @Override
        public ByteBuffer mapPrivate(long position, long size) throws IOException {
            synchronized (image) {
                check();
                byte[] copy = new byte[(int) size]; // private: a copy of the file's bytes, written nowhere
                System.arraycopy(image.cache, (int) position, copy, 0,
                        (int) Math.max(0, Math.min(size, image.size - position)));
                return ByteBuffer.wrap(copy);
            }
        }

        @Override
        public boolean isOpen() {
            return open && !dead;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
