package io.cairn.iscsi.login;

import java.util.List;

/**
 * What to answer one Login Request with (RFC 7143 11.13). {@code statusClass}/{@code statusDetail}
 * go to the Login Response header; {@code keys} to its data segment. {@code params} is non-null
 * only on the reply that moves the connection into full feature phase; {@code closeConnection}
 * is set on every failure (RFC 7143 11.13.5: the target closes after a non-zero status).
 */
public record LoginReply(
        int statusClass,
        int statusDetail,
        boolean transit,
        int csg,
        int nsg,
        List<TextKey> keys,
        SessionParams params,
        boolean closeConnection) {

    public LoginReply {
        keys = List.copyOf(keys);
    }

    static LoginReply failure(int status, int csg) {
        return failure(status, csg, List.of());
    }

    static LoginReply failure(int status, int csg, List<TextKey> keys) {
        return new LoginReply(status >> 8, status & 0xff, false, csg, 0, keys, null, true);
    }

    /** Status-Class and Status-Detail combined as {@code (class << 8) | detail}. */
    public int status() {
        return (statusClass << 8) | statusDetail;
    }

    public boolean isSuccess() {
        return statusClass == 0;
    }
}
