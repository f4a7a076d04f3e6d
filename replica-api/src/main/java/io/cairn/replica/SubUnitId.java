package io.cairn.replica;

import java.util.Objects;

/** One sub-unit of one LUN. */
public record SubUnitId(String lunId, int index) {
    public SubUnitId {
        Objects.requireNonNull(lunId, "lunId");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0");
        }
    }

    @Override
    public String toString() {
        return lunId + "/" + index;
    }
}
