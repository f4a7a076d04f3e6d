package io.cairn.lun.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which DR copies this store has seeded its site cursors for (architecture.md "DR shipping in the
 * store processes"): per site and sub-unit, the DR node the seed was for. A store seeds a
 * sub-unit's cursor for a site (every extent listed once) when a placement first names a DR
 * node there it has not seeded for, so a new or re-placed DR copy gets all of it, and records it
 * here only after the seed is durable: a crash between the two costs one more seed (a version
 * comparison of the sub-unit), never a DR copy that misses blocks.
 *
 * <p>The file is a header line and one line per seed, {@code <site> <sub-unit> <node>}, appended
 * and forced; the last line for a site and sub-unit counts. A torn last line (a crash mid-append)
 * is ignored; any other line that does not parse is refused with the file and line named, so a
 * damaged file is never taken for "nothing seeded" silently. Rewritten compactly at open when
 * most of its lines are superseded.
 */
final class DrSeeds {
    static final String HEADER = "cairn-dr-seeds 1";
    private static final Pattern LINE = Pattern.compile("([a-z0-9][a-z0-9._-]{0,62}) (\\S+/\\d+) (\\d{1,5})");

    private final Path file;
    private final Map<String, Integer> seeded = new HashMap<>(); // "<site> <sub-unit>" -> DR node

    private DrSeeds(Path file) {
        this.file = file;
    }

    /** A seed this store made: sub-unit {@code subUnit}'s cursor of {@code site}, for DR node {@code node}. */
    record Seed(String site, String subUnit, int node) {}

    /** Reads {@code file}, creating it if absent. */
    static DrSeeds open(Path file) throws IOException {
        DrSeeds s = new DrSeeds(file);
        if (!Files.exists(file)) {
            s.rewrite();
            return s;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        boolean torn = !text.endsWith("\n");
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": not a DR seed file (first line is not '" + HEADER + "')");
        }
        int last = lines.size() - 1; // after the final newline: "" if whole, the torn part if not
        for (int i = 1; i < last; i++) {
            var m = LINE.matcher(lines.get(i));
            if (!m.matches()) {
                throw new IOException(file + " line " + (i + 1) + ": not a DR seed: '" + lines.get(i) + "'");
            }
            s.seeded.put(m.group(1) + " " + m.group(2), Integer.parseInt(m.group(3)));
        }
        if (torn || last - 1 > 2 * s.seeded.size() + 64) {
            s.rewrite(); // drops a torn tail and superseded lines
        }
        return s;
    }

    synchronized boolean has(String site, String subUnit, int node) {
        Integer n = seeded.get(site + " " + subUnit);
        return n != null && n == node;
    }

    synchronized int size() {
        return seeded.size();
    }

    /** Records {@code seeds}, durably, once their seeds are durable. */
    synchronized void add(List<Seed> seeds) throws IOException {
        if (seeds.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (Seed s : seeds) {
            if (!LINE.matcher(s.site() + " " + s.subUnit() + " " + s.node()).matches()) {
                throw new IllegalArgumentException("not a DR seed: " + s);
            }
            b.append(s.site()).append(' ').append(s.subUnit()).append(' ').append(s.node()).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(false);
        }
        for (Seed s : seeds) {
            seeded.put(s.site() + " " + s.subUnit(), s.node());
        }
    }

    /** Writes the seeds known now to a new file and moves it in place (the old one stands until then). */
    private void rewrite() throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        seeded.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
