package io.cairn.store.disk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file system a store keeps its files on: everything the store writes goes through here, so
 * that a test can stand a model of a disk that loses what was not forced (a power cut) in place
 * of the real one. {@link #local()} is the real one.
 *
 * <p>Durability is the caller's to ask for: {@link DiskFile#force} makes a file's writes durable,
 * {@link #move} and {@link #createNew} are durable (with their directory) when they return, and
 * nothing else is promised across a power cut.
 */
public interface Disk {

    /** The machine's own file system. */
    static Disk local() {
        return LocalDisk.INSTANCE;
    }

    /** Opens an existing file for reading and writing; fails if it does not exist. */
    DiskFile open(Path path) throws IOException;

    /** Creates a new empty file (fails if it exists) and makes its directory entry durable. */
    DiskFile createNew(Path path) throws IOException;

    boolean exists(Path path);

    void createDirectories(Path dir) throws IOException;

    /** Deletes the file if it exists; durable when this returns. */
    void delete(Path path) throws IOException;

    /** Renames {@code from} over {@code to} atomically; durable (directory forced) when this returns. */
    void move(Path from, Path to) throws IOException;

    /** The names of the files in {@code dir}, sorted; empty if the directory does not exist. */
    List<String> list(Path dir) throws IOException;
}
