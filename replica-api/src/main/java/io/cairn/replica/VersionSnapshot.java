package io.cairn.replica;

/**
 * The versions of every replication block of a sub-unit replica, for resync and verification.
 *
 * @param replicationBlockBytes size of one replication block
 * @param epochs                epoch of each block's version, by replication block index
 * @param ids                   version id of each block, by replication block index (0: never written)
 * @param mapped                whether each block holds data (false: never written or deallocated)
 */
public record VersionSnapshot(int replicationBlockBytes, long[] epochs, long[] ids, boolean[] mapped) {

    public int blocks() {
        return ids.length;
    }

    public BlockVersion version(int block) {
        return new BlockVersion(epochs[block], ids[block]);
    }
}
