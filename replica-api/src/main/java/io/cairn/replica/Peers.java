package io.cairn.replica;

/** The other store nodes, by node id (block-protocol clients in the wiring, direct calls in tests). */
public interface Peers {
    /** The service of {@code node}; throws {@link ReplicaException} UNAVAILABLE if it cannot be reached. */
    ReplicaService peer(int node);
}
