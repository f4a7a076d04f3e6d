package io.cairn.store;

import io.cairn.replica.BlockVersion;
import io.cairn.store.oplog.LogRecord;
import io.cairn.store.oplog.OpLog;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One mutation of a sub-unit, under its stripe locks: each effect goes to the block file or the
 * version map (the page cache) and is noted, and {@link #commit} appends the notes as one record
 * to the store's {@link OpLog}. Effects first, record after: a checkpoint that sees the record
 * also finds its effects in the files it forces (the contract in {@code FileOpLog}).
 */
final class Change {
    private final BlockFile file;
    private final VersionMap map;
    private final String subUnit;
    private final OpLog log;
    private final AtomicBoolean changed;
    private final int blockSize;
    private final List<LogRecord.Effect> effects = new ArrayList<>(2);
    private long end;

    /** {@code changed} is set before each effect touches the files (the sub-unit's "force me" mark). */
    Change(BlockFile file, VersionMap map, String subUnit, OpLog log, AtomicBoolean changed) {
        this.file = file;
        this.map = map;
        this.subUnit = subUnit;
        this.log = log;
        this.changed = changed;
        this.blockSize = file.geometry().blockSize();
    }

    /** As {@link BlockFile#write}; {@code buf} must stay readable until {@link #commit}. */
    void write(long lba, ByteBuf buf, int index, int length) throws IOException {
        changed.set(true);
        file.write(lba, buf, index, length);
        effects.add(new LogRecord.Data(lba * blockSize, buf.slice(index, length)));
    }

    void writeZeros(long lba, long blocks) throws IOException {
        changed.set(true);
        file.writeZeros(lba, blocks);
        effects.add(new LogRecord.Zeros(lba * blockSize, blocks * blockSize));
    }

    /** As {@link VersionMap#record}. */
    void record(int first, int last, BlockVersion version, boolean mapped) {
        changed.set(true);
        map.record(first, last, version, mapped);
        effects.add(new LogRecord.Versions(first, last, version, mapped));
    }

    /**
     * Appends the effects noted since the last commit as one record (none if there are none).
     * The sub-unit's "force me" mark is set again here, after the effects and before the append: a
     * checkpoint whose mark lies past this record cleared the mark before forcing (FileSubUnit
     * #forceIfChanged), so it either sees this set and forces the effects, or cleared it after
     * this set, when the effects were already in the files it forces. Set only before each effect,
     * a checkpoint could clear it between the effect and the append, force too early, and a later
     * checkpoint trim the record of an effect no force ever covered.
     */
    void commit() throws IOException {
        if (!effects.isEmpty()) {
            changed.set(true);
            end = log.append(new LogRecord(subUnit, effects));
            effects.clear();
        }
    }

    /** The log position after this change's last record; 0 if it appended none. */
    long end() {
        return end;
    }
}
