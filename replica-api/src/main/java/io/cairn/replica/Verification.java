package io.cairn.replica;

/**
 * What a replica holds, for comparing copies without moving data: per replication block its version
 * and a digest of its content (zeros for deallocated blocks).
 */
public record Verification(int node, VersionSnapshot versions, long[] contentDigests) {}
