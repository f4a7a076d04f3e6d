package io.cairn.scsi.cdb;

import static io.cairn.scsi.cdb.CdbField.bits;
import static io.cairn.scsi.cdb.CdbField.bytes;
import static io.cairn.scsi.cdb.CdbFlag.*;
import static io.cairn.scsi.cdb.CdbLayout.LbaCheck.EXTENT;
import static io.cairn.scsi.cdb.CdbLayout.LbaCheck.LBA_ONLY;
import static io.cairn.scsi.cdb.CdbValue.*;

import io.cairn.scsi.Sense;

/**
 * The CDB formats of the supported commands, each as its table in SPC-4 / SBC-4 (or SPC-2) draws
 * it. A row of the opcode registry names one; fields not listed are ignored, as their usage data
 * says.
 */
public final class CdbLayouts {

    private CdbLayouts() {}

    // ---- SPC-4 ----

    /** SPC-4 6.47 TEST UNIT READY; SPC-2 7.21/7.24 RESERVE(6)/RELEASE(6): no field is interpreted. */
    public static final CdbLayout NO_FIELDS_6 = CdbLayout.of(6).build();

    /** SPC-4 6.39 REQUEST SENSE. */
    public static final CdbLayout REQUEST_SENSE = CdbLayout.of(6).flag(DESC, 1, 0).allocationLength(4, 1).build();

    /** SPC-4 6.6 INQUIRY. */
    public static final CdbLayout INQUIRY = CdbLayout.of(6)
            .mustBeZero(1, 1, 1) // CMDDT is obsolete
            .flag(EVPD, 1, 0)
            .value(PAGE_CODE, bytes(2, 1))
            .allocationLength(3, 2)
            // SPC-4 6.6.1: a PAGE CODE without EVPD
            .rule(c -> !c.has(EVPD) && c.pageCode() != 0 ? Sense.invalidCdbField(2, 7) : null)
            .build();

    /** SPC-4 6.9 MODE SELECT(6): PARAMETER LIST LENGTH in byte 4. */
    public static final CdbLayout MODE_SELECT_6 = CdbLayout.of(6).flag(PF, 1, 4).flag(SP, 1, 0)
            .allocationLength(4, 1).build();

    /** SPC-4 6.10 MODE SELECT(10). */
    public static final CdbLayout MODE_SELECT_10 = CdbLayout.of(10).flag(PF, 1, 4).flag(SP, 1, 0)
            .allocationLength(7, 2).build();

    /** SPC-4 6.11 MODE SENSE(6). */
    public static final CdbLayout MODE_SENSE_6 = CdbLayout.of(6).flag(DBD, 1, 3)
            .value(PAGE_CONTROL, bits(2, 7, 6)).value(PAGE_CODE, bits(2, 5, 0)).value(SUBPAGE_CODE, bytes(3, 1))
            .allocationLength(4, 1).build();

    /** SPC-4 6.12 MODE SENSE(10): also LLBAA. */
    public static final CdbLayout MODE_SENSE_10 = CdbLayout.of(10).flag(LLBAA, 1, 4).flag(DBD, 1, 3)
            .value(PAGE_CONTROL, bits(2, 7, 6)).value(PAGE_CODE, bits(2, 5, 0)).value(SUBPAGE_CODE, bytes(3, 1))
            .allocationLength(7, 2).build();

    /** SPC-4 6.33 REPORT LUNS. */
    public static final CdbLayout REPORT_LUNS = CdbLayout.of(12)
            .value(SELECT_REPORT, bytes(2, 1))
            .allocationLength(6, 4)
            // SPC-4 6.33: an allocation length below 16
            .rule(c -> c.allocationLength() < 16 ? Sense.invalidCdbField(6, 7) : null)
            .build();

    /** SPC-4 6.35 REPORT SUPPORTED OPERATION CODES (MAINTENANCE IN, service action 0Ch). */
    public static final CdbLayout REPORT_SUPPORTED_OPCODES = CdbLayout.of(12)
            .flag(RCTD, 2, 7)
            .value(REPORTING_OPTIONS, bits(2, 2, 0))
            .value(REQUESTED_OPCODE, bytes(3, 1))
            .value(REQUESTED_SERVICE_ACTION, bytes(4, 2))
            .allocationLength(6, 4).build();

    /** SPC-4 6.37 REPORT TARGET PORT GROUPS (MAINTENANCE IN, service action 0Ah). */
    public static final CdbLayout REPORT_TARGET_PORT_GROUPS = CdbLayout.of(12)
            .value(REPORTING_OPTIONS, bits(1, 7, 5)) // PARAMETER DATA FORMAT
            .allocationLength(6, 4).build();

    /** SPC-2 7.22/7.25 RESERVE(10)/RELEASE(10). */
    public static final CdbLayout RESERVE_RELEASE_10 = CdbLayout.of(10)
            .mustBeZero(1, 4, 4) // 3RDPTY: third-party reservations are not supported
            .flag(LONGID, 1, 1)
            .allocationLength(7, 2).build();

    /** SPC-4 6.15 PERSISTENT RESERVE IN. */
    public static final CdbLayout PERSISTENT_RESERVE_IN = CdbLayout.of(10).allocationLength(7, 2).build();

    /** SPC-4 6.16 PERSISTENT RESERVE OUT: PARAMETER LIST LENGTH in bytes 5 to 8. */
    public static final CdbLayout PERSISTENT_RESERVE_OUT = CdbLayout.of(10)
            .value(PR_SCOPE, bits(2, 7, 4)).value(PR_TYPE, bits(2, 3, 0))
            .allocationLength(5, 4).build();

    // ---- SBC-4 ----

    /** SBC-4 5.15 READ(6), 5.40 WRITE(6): a 21-bit LBA, no protection or cache bits. */
    public static final CdbLayout READ_WRITE_6 = CdbLayout.of(6)
            .lba(CdbField.from(1, 4, 3)).transferLength256(4)
            .lbaCheck(EXTENT).data(DataLength.BLOCKS).build();

    /** SBC-4 5.16 READ(10), 5.41 WRITE(10). */
    public static final CdbLayout READ_WRITE_10 = readWrite(10, 2, 4, 7, 2);
    /** SBC-4 5.17 READ(12), 5.42 WRITE(12). */
    public static final CdbLayout READ_WRITE_12 = readWrite(12, 2, 4, 6, 4);
    /** SBC-4 5.18 READ(16), 5.43 WRITE(16). */
    public static final CdbLayout READ_WRITE_16 = readWrite(16, 2, 8, 10, 4);

    /** SBC-4 5.37 WRITE AND VERIFY(10). */
    public static final CdbLayout WRITE_AND_VERIFY_10 = writeAndVerify(10, 2, 4, 7, 2);
    /** SBC-4 5.38 WRITE AND VERIFY(12). */
    public static final CdbLayout WRITE_AND_VERIFY_12 = writeAndVerify(12, 2, 4, 6, 4);
    /** SBC-4 5.39 WRITE AND VERIFY(16). */
    public static final CdbLayout WRITE_AND_VERIFY_16 = writeAndVerify(16, 2, 8, 10, 4);

    /** SBC-4 5.30 VERIFY(10). */
    public static final CdbLayout VERIFY_10 = verify(10, 2, 4, 7, 2);
    /** SBC-4 5.31 VERIFY(12). */
    public static final CdbLayout VERIFY_12 = verify(12, 2, 4, 6, 4);
    /** SBC-4 5.32 VERIFY(16). */
    public static final CdbLayout VERIFY_16 = verify(16, 2, 8, 10, 4);

    /** SBC-4 5.9 PRE-FETCH(10), 5.24 SYNCHRONIZE CACHE(10): a range, no data. */
    public static final CdbLayout CACHE_RANGE_10 = cacheRange(10, 2, 4, 7, 2);
    /** SBC-4 5.10 PRE-FETCH(16), 5.25 SYNCHRONIZE CACHE(16). */
    public static final CdbLayout CACHE_RANGE_16 = cacheRange(16, 2, 8, 10, 4);

    /** SBC-4 5.47 WRITE SAME(10). */
    public static final CdbLayout WRITE_SAME_10 = writeSame(10, 2, 4, 7, 2).build();
    /** SBC-4 5.48 WRITE SAME(16): also NDOB. */
    public static final CdbLayout WRITE_SAME_16 = writeSame(16, 2, 8, 10, 4).flag(NDOB, 1, 0).build();

    /** SBC-4 5.3 COMPARE AND WRITE: a one-byte NUMBER OF LOGICAL BLOCKS in byte 13. */
    public static final CdbLayout COMPARE_AND_WRITE = CdbLayout.of(16)
            .mustBeZero(1, 7, 5) // WRPROTECT (SBC-4 4.22: no protection information)
            .flag(DPO, 1, 4).flag(FUA, 1, 3)
            .lba(2, 8).transferLength(13, 1)
            .lbaCheck(EXTENT).data(DataLength.VERIFY_AND_WRITE_BLOCKS).build();

    /** SBC-4 5.33 UNMAP. */
    public static final CdbLayout UNMAP = CdbLayout.of(10).flag(ANCHOR, 1, 0).allocationLength(7, 2).build();

    /** SBC-4 5.20 READ CAPACITY(10). */
    public static final CdbLayout READ_CAPACITY_10 = CdbLayout.of(10)
            .lba(2, 4).flag(PMI, 8, 0)
            // SBC-3 5.15: the LBA must be 0 when PMI is 0
            .rule(c -> !c.has(PMI) && c.lba() != 0 ? Sense.invalidCdbField(2, 7) : null)
            .data(DataLength.CAPACITY_10).build();

    /** SBC-4 5.21 READ CAPACITY(16) (SERVICE ACTION IN(16), service action 10h). */
    public static final CdbLayout READ_CAPACITY_16 = CdbLayout.of(16).lba(2, 8).allocationLength(10, 4).build();

    /** SBC-4 5.8 GET LBA STATUS (SERVICE ACTION IN(16), service action 12h): only the LBA must be on the medium. */
    public static final CdbLayout GET_LBA_STATUS = CdbLayout.of(16).lba(2, 8).allocationLength(10, 4)
            .lbaCheck(LBA_ONLY).build();

    /** SBC-4 5.27 START STOP UNIT. */
    public static final CdbLayout START_STOP_UNIT = CdbLayout.of(6)
            .flag(IMMED, 1, 0)
            .value(POWER_CONDITION, bits(4, 7, 4))
            .flag(NO_FLUSH, 4, 2).flag(LOEJ, 4, 1).flag(START, 4, 0).build();

    /** SBC-4 5.11 PREVENT ALLOW MEDIUM REMOVAL. */
    public static final CdbLayout PREVENT_ALLOW = CdbLayout.of(6).value(PREVENT, bits(4, 1, 0)).build();

    /** SBC-4 5.12 READ DEFECT DATA(10): REQ_PLIST, REQ_GLIST and DEFECT LIST FORMAT in byte 2. */
    public static final CdbLayout READ_DEFECT_DATA_10 = CdbLayout.of(10)
            .value(PAGE_CODE, bits(2, 4, 0)).allocationLength(7, 2).build();

    /** SBC-4 5.13 READ DEFECT DATA(12): the same fields in byte 1. */
    public static final CdbLayout READ_DEFECT_DATA_12 = CdbLayout.of(12)
            .value(PAGE_CODE, bits(1, 4, 0)).allocationLength(6, 4).build();

    /** READ and WRITE of 10, 12 and 16 bytes: DPO, FUA, the LBA and TRANSFER LENGTH. */
    private static CdbLayout readWrite(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return medium(length, lbaAt, lbaBytes, blocksAt, blocksBytes).flag(FUA, 1, 3).data(DataLength.BLOCKS).build();
    }

    /** WRITE AND VERIFY: no FUA; BYTCHK is one bit (SBC-4 5.37). */
    private static CdbLayout writeAndVerify(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return medium(length, lbaAt, lbaBytes, blocksAt, blocksBytes).value(BYTCHK, bits(1, 1, 1))
                .data(DataLength.BLOCKS).build();
    }

    /** VERIFY: no FUA; two-bit BYTCHK, whose 10b is reserved (SBC-4 5.30 Table 79), sets the Data-Out. */
    private static CdbLayout verify(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return medium(length, lbaAt, lbaBytes, blocksAt, blocksBytes).value(BYTCHK, bits(1, 2, 1))
                .rule(c -> c.bytchk() == 2 ? Sense.invalidCdbField(1, 2) : null)
                .data(DataLength.BYTCHK).build();
    }

    /** What every medium access of 10 bytes or more shares: RDPROTECT/WRPROTECT/VRPROTECT, DPO, LBA, length. */
    private static CdbLayout.Builder medium(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return CdbLayout.of(length)
                .mustBeZero(1, 7, 5) // SBC-4 4.22: protection fields without protection information
                .flag(DPO, 1, 4)
                .lba(lbaAt, lbaBytes).transferLength(blocksAt, blocksBytes)
                .lbaCheck(EXTENT);
    }

    private static CdbLayout cacheRange(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return CdbLayout.of(length).flag(IMMED, 1, 1).lba(lbaAt, lbaBytes).transferLength(blocksAt, blocksBytes)
                .lbaCheck(EXTENT).build();
    }

    /** WRITE SAME: WRPROTECT refused, ANCHOR and UNMAP; one block of Data-Out. */
    private static CdbLayout.Builder writeSame(int length, int lbaAt, int lbaBytes, int blocksAt, int blocksBytes) {
        return CdbLayout.of(length)
                .mustBeZero(1, 7, 5) // WRPROTECT without protection information
                .flag(ANCHOR, 1, 4).flag(CdbFlag.UNMAP, 1, 3)
                .lba(lbaAt, lbaBytes).transferLength(blocksAt, blocksBytes)
                .lbaCheck(EXTENT).data(DataLength.ONE_BLOCK_UNLESS_NDOB);
    }
}
