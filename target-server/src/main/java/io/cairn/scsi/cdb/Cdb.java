package io.cairn.scsi.cdb;

import java.util.Set;

/**
 * A decoded CDB: every field a handler reads, named, parsed once by {@link CdbParser}. Fields a
 * command does not have are 0 (or -1 for the service action of a command without one).
 *
 * @param opcode                 operation code
 * @param serviceAction          service action, or -1
 * @param length                 CDB length in bytes as the opcode defines it
 * @param lba                    LOGICAL BLOCK ADDRESS (medium commands, READ CAPACITY, GET LBA STATUS)
 * @param blocks                 TRANSFER LENGTH / NUMBER OF LOGICAL BLOCKS / VERIFICATION LENGTH in blocks
 * @param allocationLength       ALLOCATION LENGTH or PARAMETER LIST LENGTH in bytes
 * @param dataBytes              bytes the CDB itself calls for in its data direction (ScsiResult.commandBytes)
 * @param flags                  one-bit fields that are set
 * @param bytchk                 BYTCHK (VERIFY, WRITE AND VERIFY)
 * @param pageCode               INQUIRY page code, MODE SENSE page code
 * @param subpageCode            MODE SENSE subpage code
 * @param pageControl            MODE SENSE PC
 * @param prevent                PREVENT ALLOW MEDIUM REMOVAL PREVENT field
 * @param powerCondition         START STOP UNIT POWER CONDITION
 * @param reportingOptions       REPORT SUPPORTED OPERATION CODES REPORTING OPTIONS; REPORT TARGET PORT GROUPS
 *                               PARAMETER DATA FORMAT
 * @param requestedOpcode        REPORT SUPPORTED OPERATION CODES REQUESTED OPERATION CODE
 * @param requestedServiceAction REPORT SUPPORTED OPERATION CODES REQUESTED SERVICE ACTION
 * @param selectReport           REPORT LUNS SELECT REPORT
 * @param prScope                PERSISTENT RESERVE OUT SCOPE
 * @param prType                 PERSISTENT RESERVE OUT TYPE
 * @param control                CONTROL byte
 */
public record Cdb(
        int opcode,
        int serviceAction,
        int length,
        long lba,
        long blocks,
        int allocationLength,
        long dataBytes,
        Set<CdbFlag> flags,
        int bytchk,
        int pageCode,
        int subpageCode,
        int pageControl,
        int prevent,
        int powerCondition,
        int reportingOptions,
        int requestedOpcode,
        int requestedServiceAction,
        int selectReport,
        int prScope,
        int prType,
        int control) {

    public Cdb {
        flags = Set.copyOf(flags);
    }

    /** Byte offset of the TRANSFER LENGTH field, for sense field pointers (SBC-4 5.x CDB layouts). */
    public int transferLengthOffset() {
        if (opcode == 0x89) {
            return 13; // SBC-4 5.3: COMPARE AND WRITE's one-byte NUMBER OF LOGICAL BLOCKS
        }
        return switch (length) {
            case 6 -> 4;
            case 10 -> 7;
            case 12 -> 6;
            default -> 10;
        };
    }

    /** The same command with a shorter transfer (a write cut to the Data-Out actually received). */
    public Cdb withTransfer(long newBlocks, long newDataBytes) {
        return new Cdb(opcode, serviceAction, length, lba, newBlocks, allocationLength, newDataBytes, flags, bytchk,
                pageCode, subpageCode, pageControl, prevent, powerCondition, reportingOptions, requestedOpcode,
                requestedServiceAction, selectReport, prScope, prType, control);
    }

    public boolean has(CdbFlag flag) {
        return flags.contains(flag);
    }
}
