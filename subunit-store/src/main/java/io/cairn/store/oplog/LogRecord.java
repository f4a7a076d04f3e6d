package io.cairn.store.oplog;

import io.cairn.replica.BlockVersion;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * One change of one sub-unit as the operation log keeps it: what it did to the sub-unit's block
 * file and version map, in the order it did it. Replaying the effects of every record in log
 * order, over files that hold at least the state before the oldest, gives the state after the
 * newest: each effect sets bytes or entries to values, it never reads them.
 *
 * @param subUnit the sub-unit's name in its store, {@code <lunId>/<index>}
 */
public record LogRecord(String subUnit, List<Effect> effects) {
    public LogRecord {
        Objects.requireNonNull(subUnit);
        effects = List.copyOf(effects);
    }

    /** Bytes of data the record carries. */
    public long dataBytes() {
        long n = 0;
        for (Effect e : effects) {
            if (e instanceof Data d) {
                n += d.data().readableBytes();
            }
        }
        return n;
    }

    /** One thing a change did. */
    public sealed interface Effect permits Data, Zeros, Versions, Forced {
    }

    /** {@code data} written at byte {@code offset} of the block file; the buffer is the record holder's. */
    public record Data(long offset, ByteBuf data) implements Effect {
    }

    /** {@code length} zero bytes written at byte {@code offset} of the block file. */
    public record Zeros(long offset, long length) implements Effect {
    }

    /**
     * Not a change but a fact: the sub-unit's files were forced holding every change whose record
     * ends at or before log position {@code position}, and every change it made without a record
     * before then. Replay skips the sub-unit's records that end at or before it: applied again over
     * the forced files they would undo changes that have no record.
     */
    public record Forced(long position) implements Effect {
    }

    /** Version-map entries {@code first..last} set to {@code version}, mapped or not. */
    public record Versions(int first, int last, BlockVersion version, boolean mapped) implements Effect {
    }
}
