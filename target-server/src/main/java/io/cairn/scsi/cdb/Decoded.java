package io.cairn.scsi.cdb;

import io.cairn.scsi.Sense;

/** What {@link CdbParser} answers: a {@link Cdb}, or the sense that rejects the CDB. Exactly one is non-null. */
public record Decoded(Cdb cdb, Sense error) {

    static Decoded ok(Cdb cdb) {
        return new Decoded(cdb, null);
    }

    static Decoded fail(Sense error) {
        return new Decoded(null, error);
    }
}
