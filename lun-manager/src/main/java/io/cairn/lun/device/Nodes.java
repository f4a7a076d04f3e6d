package io.cairn.lun.device;

import io.cairn.replica.ReplicaService;

/**
 * How a gateway reaches a store node's block service: a block-protocol client for a remote node, or
 * the in-process replica host when the node is this process. The wiring owns the connections.
 */
@FunctionalInterface
public interface Nodes {

    /**
     * The service of node {@code nodeId}.
     *
     * @throws io.cairn.replica.ReplicaException of kind UNAVAILABLE if the node is unknown or
     *         cannot be reached now (the caller retries while the placement settles)
     */
    ReplicaService service(int nodeId);
}
