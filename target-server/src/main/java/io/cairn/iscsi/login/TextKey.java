package io.cairn.iscsi.login;

import java.util.Objects;

/** One key=value pair of an iSCSI text data segment (RFC 7143 6.1). */
public record TextKey(String key, String value) {
    public TextKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
