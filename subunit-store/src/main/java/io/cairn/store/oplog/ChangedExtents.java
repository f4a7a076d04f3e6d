package io.cairn.store.oplog;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which extents of which sub-units changed, each with the stamp of its newest change (0: none).
 * An extent is {@link ChangeCursors#EXTENT_BLOCKS} replication blocks (1 MiB at the default 4 KiB).
 * Size: 8 bytes per extent of every sub-unit that changed (512 bytes for a 64 MiB sub-unit),
 * whatever the number of changes. Not thread-safe: {@link ChangeCursors} guards every instance.
 */
final class ChangedExtents {
    private final Map<String, long[]> stamps = new TreeMap<>();

    /** Replication blocks {@code first..last} of {@code subUnit} changed, at {@code stamp}. */
    void note(String subUnit, int first, int last, long stamp) {
        int from = first / ChangeCursors.EXTENT_BLOCKS;
        int to = last / ChangeCursors.EXTENT_BLOCKS;
        long[] s = room(subUnit, to);
        for (int e = from; e <= to; e++) {
            s[e] = Math.max(s[e], stamp);
        }
    }

    /** Sets extent {@code extent}'s stamp to at least {@code stamp}. */
    void put(String subUnit, int extent, long stamp) {
        long[] s = room(subUnit, extent);
        s[extent] = Math.max(s[extent], stamp);
    }

    /** Every extent of {@code other}, at the newer of the two stamps. */
    void addAll(ChangedExtents other) {
        for (Map.Entry<String, long[]> e : other.stamps.entrySet()) {
            long[] theirs = e.getValue();
            for (int i = 0; i < theirs.length; i++) {
                if (theirs[i] != 0) {
                    put(e.getKey(), i, theirs[i]);
                }
            }
        }
    }

    /** Forgets the extent if its newest change is at or before {@code stamp}; true if it did. */
    boolean clear(String subUnit, int extent, long stamp) {
        long[] s = stamps.get(subUnit);
        if (s == null || extent < 0 || extent >= s.length || s[extent] == 0 || s[extent] > stamp) {
            return false;
        }
        s[extent] = 0;
        if (Arrays.stream(s).allMatch(v -> v == 0)) {
            stamps.remove(subUnit);
        }
        return true;
    }

    boolean isEmpty() {
        return stamps.isEmpty();
    }

    void clear() {
        stamps.clear();
    }

    /** The changed extents, sub-units by name: extent index to stamp, unchanged ones left out. */
    Map<String, Map<Integer, Long>> view() {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        for (Map.Entry<String, long[]> e : stamps.entrySet()) {
            Map<Integer, Long> extents = new TreeMap<>();
            long[] s = e.getValue();
            for (int i = 0; i < s.length; i++) {
                if (s[i] != 0) {
                    extents.put(i, s[i]);
                }
            }
            if (!extents.isEmpty()) {
                out.put(e.getKey(), extents);
            }
        }
        return out;
    }

    private long[] room(String subUnit, int extent) {
        if (extent < 0) {
            throw new IllegalArgumentException("negative extent " + extent + " of " + subUnit);
        }
        long[] s = stamps.get(subUnit);
        if (s == null || s.length <= extent) {
            s = s == null ? new long[extent + 1] : Arrays.copyOf(s, Math.max(extent + 1, s.length * 2));
            stamps.put(subUnit, s);
        }
        return s;
    }
}
