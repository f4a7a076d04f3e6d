package io.cairn.coord;

/**
 * The state of this process's ZooKeeper session, as the coordination client reports it. A gateway
 * serves a LUN only while its session is live and its copy of the LUN's state is current
 * (fail closed).
 */
public enum SessionState {
    /** The first connection is established. */
    CONNECTED,
    /**
     * The connection dropped; the session may still be alive on the servers, but this process
     * cannot know whether others changed shared state: stop admitting I/O that depends on it.
     */
    SUSPENDED,
    /** Connected again after {@link #SUSPENDED} or {@link #LOST}; caches resynchronise. */
    RECONNECTED,
    /**
     * The session expired: ephemeral nodes and watches are gone, and others may have acted on
     * that. Everything derived from the old session must be re-established.
     */
    LOST;

    public boolean isConnected() {
        return this == CONNECTED || this == RECONNECTED;
    }
}
