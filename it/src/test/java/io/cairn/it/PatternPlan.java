package io.cairn.it;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence of pattern writes over a LUN and the content they leave: which byte pattern each range holds
 * after all writes, later writes winning. The writes fill the whole LUN, then cross every sub-unit boundary
 * (8 KiB centred on it, 1 MiB straddling it at a non-aligned offset), cover a multi-boundary 40 MiB range and
 * the first and last blocks of the LUN.
 */
record PatternPlan(long lunSize, List<Write> writes) {

    /** One qemu-io write: {@code write -P pattern offset length}. */
    record Write(long offset, long length, int pattern) {
        long end() {
            return offset + length;
        }

        String qemuWrite() {
            return String.format("write -P 0x%02x %d %d", pattern, offset, length);
        }

        String qemuRead() {
            return String.format("read -P 0x%02x %d %d", pattern, offset, length);
        }
    }

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;

    static PatternPlan acrossSubUnits(long lunSize, long subUnitSize) {
        List<Write> writes = new ArrayList<>();
        long chunk = 3 * MIB; // not a divisor of the sub-unit size: fill writes straddle boundaries
        int i = 0;
        for (long off = 0; off < lunSize; off += chunk, i++) {
            writes.add(new Write(off, Math.min(chunk, lunSize - off), 0x10 + i % 0x60));
        }
        int k = 1;
        for (long boundary = subUnitSize; boundary < lunSize; boundary += subUnitSize, k++) {
            if (k % 2 == 1) {
                writes.add(new Write(boundary - 4 * KIB, 8 * KIB, 0x80 + k % 0x20));
            } else {
                writes.add(new Write(boundary - 300 * KIB, MIB, 0x80 + k % 0x20));
            }
        }
        if (lunSize >= 4 * subUnitSize && lunSize > 64 * MIB) {
            long start = lunSize / 2 - 20 * MIB + 4 * KIB;
            writes.add(new Write(start, 40 * MIB, 0xc0));
        }
        writes.add(new Write(0, 4 * KIB, 0xe0));
        writes.add(new Write(lunSize - MIB - 4 * KIB, MIB, 0xe2));
        writes.add(new Write(lunSize - 4 * KIB, 4 * KIB, 0xe1));
        return new PatternPlan(lunSize, List.copyOf(writes));
    }

    /** The ranges the writes leave, in LBA order, each holding one pattern; they tile the LUN. */
    List<Write> finalContent() {
        List<Write> content = new ArrayList<>();
        for (Write w : writes) {
            List<Write> next = new ArrayList<>();
            for (Write old : content) {
                if (old.end() <= w.offset() || old.offset() >= w.end()) {
                    next.add(old);
                    continue;
                }
                if (old.offset() < w.offset()) {
                    next.add(new Write(old.offset(), w.offset() - old.offset(), old.pattern()));
                }
                if (old.end() > w.end()) {
                    next.add(new Write(w.end(), old.end() - w.end(), old.pattern()));
                }
            }
            next.add(w);
            next.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            content = next;
        }
        return List.copyOf(content);
    }
}
