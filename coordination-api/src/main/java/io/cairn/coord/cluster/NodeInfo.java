package io.cairn.coord.cluster;

import java.util.Objects;

/**
 * A store node as it announces itself: its id (unique in the cluster, the high bits of every version
 * id it assigns), its site (failure domain for placement), where its block protocol listens, and
 * where it receives DR copies from other sites ({@code shipPort}, same host; 0: it receives none).
 */
public record NodeInfo(int id, String site, String host, int port, int shipPort) {
    public NodeInfo {
        if (id < 1 || id > 65535) {
            throw new IllegalArgumentException("node id must be 1..65535: " + id);
        }
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (shipPort < 0 || shipPort > 65535) {
            throw new IllegalArgumentException("ship port must be 0..65535: " + shipPort);
        }
    }

    /** A node that receives no DR copies. */
    public NodeInfo(int id, String site, String host, int port) {
        this(id, site, host, port, 0);
    }

    public boolean receivesDrCopies() {
        return shipPort != 0;
    }
}
