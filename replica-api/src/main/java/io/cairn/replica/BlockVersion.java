package io.cairn.replica;

/**
 * The version of one replication block: the epoch of the primary that wrote it and the unique id it
 * drew ({@code node id << 48 | counter}, the store's VersionClock). Versions order by
 * epoch, then id: within an epoch one primary draws every id of a sub-unit from its own increasing
 * counter, and a later epoch always belongs to a later primary. {@link #NONE} is "never written".
 */
public record BlockVersion(long epoch, long id) implements Comparable<BlockVersion> {

    public static final BlockVersion NONE = new BlockVersion(0, 0);

    @Override
    public int compareTo(BlockVersion o) {
        int c = Long.compare(epoch, o.epoch);
        return c != 0 ? c : Long.compareUnsigned(id, o.id);
    }

    public boolean newerThan(BlockVersion o) {
        return compareTo(o) > 0;
    }
}
