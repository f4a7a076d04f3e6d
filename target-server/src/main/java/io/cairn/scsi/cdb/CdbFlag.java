package io.cairn.scsi.cdb;

/** One-bit CDB fields the handlers act on (names as SPC-4 / SBC-4 spell them). */
public enum CdbFlag {
    FUA, DPO, UNMAP, ANCHOR, NDOB, IMMED, EVPD, DBD, LLBAA, PF, SP, LOEJ, START, NO_FLUSH, RCTD, PMI, DESC,
    /** RESERVE(10)/RELEASE(10) LONGID. */
    LONGID
}
