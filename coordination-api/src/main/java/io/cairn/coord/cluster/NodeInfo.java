package io.cairn.coord.cluster;

import java.util.Objects;

/**
 * A store node as it announces itself: its id (unique in the cluster, the high bits of every version
 * id it assigns), its site (failure domain for placement) and where its block protocol listens.
 */
public record NodeInfo(int id, String site, String host, int port) {
    public NodeInfo {
        if (id < 1 || id > 65535) {
            throw new IllegalArgumentException("node id must be 1..65535: " + id);
        }
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }
}
