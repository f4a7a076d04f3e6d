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
    private final Unlogged unlogged;
    private final boolean durable;
    private boolean logIt;
    private long end;
    private boolean needsForce;
    /** An effect since the last commit (noted in {@link #effects} only if a record may be made). */
    private boolean touched;
    /** The replication blocks whose versions changed since the last commit (none if last < first). */
    private int firstBlock = Integer.MAX_VALUE;
    private int lastBlock = -1;

    /**
     * The sub-unit's changes that went to its files without a record: counted when made, and
     * forgotten once a force that began after them has ended.
     */
    interface Unlogged {
        /** Some change without a record is not known to be forced. */
        boolean pending();

        /** One more change without a record (under its stripe locks, after its effects). */
        void add();
    }

    /**
     * @param changed  set before each effect touches the files (the sub-unit's "force me" mark)
     * @param durable  the caller must have the change durable before it completes (FUA)
     * @param logIt    append a record if it may (always when durable)
     */
    Change(BlockFile file, VersionMap map, String subUnit, OpLog log, AtomicBoolean changed, Unlogged unlogged,
           boolean durable, boolean logIt) {
        this.file = file;
        this.map = map;
        this.subUnit = subUnit;
        this.log = log;
        this.changed = changed;
        this.unlogged = unlogged;
        this.durable = durable;
        this.logIt = logIt || durable;
        this.blockSize = file.geometry().blockSize();
    }

    /** As {@link BlockFile#write}; {@code buf} must stay readable until {@link #commit}. */
    void write(long lba, ByteBuf buf, int index, int length) throws IOException {
        changed.set(true);
        file.write(lba, buf, index, length);
        note(new LogRecord.Data(lba * blockSize, buf.slice(index, length)));
    }

    void writeZeros(long lba, long blocks) throws IOException {
        changed.set(true);
        file.writeZeros(lba, blocks);
        note(new LogRecord.Zeros(lba * blockSize, blocks * blockSize));
    }

    /** As {@link VersionMap#record}. */
    void record(int first, int last, BlockVersion version, boolean mapped) {
        changed.set(true);
        firstBlock = Math.min(firstBlock, first);
        lastBlock = Math.max(lastBlock, last);
        map.record(first, last, version, mapped);
        note(new LogRecord.Versions(first, last, version, mapped));
    }

    /**
     * A change that will not be logged does not build the record it would not append. Whether a
     * change cursor needs every change logged is asked at the first effect, under the change's
     * stripe locks, not when the change was queued: registering a cursor takes every stripe lock
     * once after it turned the cursor on (SubUnitStore#registerChangeCursor), so a change either
     * saw the cursor here or committed before that barrier.
     */
    private void note(LogRecord.Effect effect) {
        if (!touched && !logIt) {
            logIt = log.recordsEveryChange();
        }
        touched = true;
        if (logIt) {
            effects.add(effect);
        }
    }

    /**
     * Appends the effects noted since the last commit as one record (none if there are none), under
     * the change's stripe locks. The sub-unit's "force me" mark is set again here, after the
     * effects and before the append: a checkpoint whose mark lies past this record cleared the mark
     * before forcing (FileSubUnit#forceIfChanged), so it either sees this set and forces the
     * effects, or cleared it after this set, when the effects were already in the files it forces.
     *
     * <p>No record is appended when the caller did not ask for one (a write-back write while no
     * one flushes: it is made durable by a force, at the next flush or checkpoint), nor while the
     * sub-unit has changes without a record that are not forced yet: a record replayed over a lost
     * change it depends on (the zeros a deallocated granule got before its first write, say)
     * would expose bytes nobody wrote. Such a change counts as one without a record; if the caller
     * asked for durability, it is forced instead ({@link #needsForce}).
     */
    void commit() throws IOException {
        if (!touched) {
            return;
        }
        changed.set(true);
        if (lastBlock >= 0) {
            log.noteChanged(subUnit, firstBlock, lastBlock); // the change source, before the record (ChangeCursors)
            firstBlock = Integer.MAX_VALUE;
            lastBlock = -1;
        }
        if (logIt && !unlogged.pending()) {
            end = log.append(new LogRecord(subUnit, effects));
        } else {
            unlogged.add();
            needsForce |= durable;
        }
        effects.clear();
        touched = false;
    }

    /** The change went to the files without a record and must be forced before it completes. */
    boolean needsForce() {
        return needsForce;
    }

    /** The log position after this change's last record; 0 if it appended none. */
    long end() {
        return end;
    }
}
