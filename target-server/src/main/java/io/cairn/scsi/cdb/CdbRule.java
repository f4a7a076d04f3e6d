package io.cairn.scsi.cdb;

import io.cairn.scsi.Sense;

/**
 * A check across fields of a decoded CDB that the positions of its fields cannot state (e.g. SPC-4
 * 6.6.1: a PAGE CODE only with EVPD). Runs once the fields are read, before the LBA range check.
 */
@FunctionalInterface
public interface CdbRule {

    /** The sense that refuses {@code cdb}, or null when it passes. */
    Sense check(Cdb cdb);
}
