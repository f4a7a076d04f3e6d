package io.cairn.iscsi.login;

import java.util.List;
import java.util.Objects;

/**
 * A target as SendTargets reports it (RFC 7143 Appendix C).
 *
 * @param addresses TargetAddress values, each {@code host:port,tpgt} ({@code [v6]:port,tpgt} for IPv6)
 */
public record TargetRecord(String name, List<String> addresses) {
    public TargetRecord {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
    }
}
