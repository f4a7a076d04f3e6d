package io.cairn.scsi.cdb;

import static io.cairn.scsi.cdb.CdbValue.*;

import java.util.Map;
import java.util.Set;

/**
 * A decoded CDB: every field a handler reads, named, parsed once by {@link CdbParser} from its
 * command's {@link CdbLayout}. Fields a command does not have are 0 (or -1 for the service action of
 * a command without one and the offset of a transfer length it does not have).
 *
 * @param opcode               operation code
 * @param serviceAction        service action, or -1
 * @param length               CDB length in bytes as the opcode defines it
 * @param lba                  LOGICAL BLOCK ADDRESS (medium commands, READ CAPACITY, GET LBA STATUS)
 * @param blocks               TRANSFER LENGTH / NUMBER OF LOGICAL BLOCKS / VERIFICATION LENGTH in blocks
 * @param transferLengthOffset byte offset of the field {@code blocks} came from, for sense field pointers, or -1
 * @param allocationLength     ALLOCATION LENGTH or PARAMETER LIST LENGTH in bytes
 * @param dataBytes            bytes the CDB itself calls for in its data direction (ScsiResult.commandBytes)
 * @param flags                one-bit fields that are set
 * @param values               the command's other fields ({@link CdbValue}); read them through the accessors below
 * @param control              CONTROL byte
 */
public record Cdb(
        int opcode,
        int serviceAction,
        int length,
        long lba,
        long blocks,
        int transferLengthOffset,
        int allocationLength,
        long dataBytes,
        Set<CdbFlag> flags,
        Map<CdbValue, Integer> values,
        int control) {

    public Cdb {
        flags = Set.copyOf(flags);
        values = Map.copyOf(values);
    }

    /** The same command with a shorter transfer (a write cut to the Data-Out actually received). */
    public Cdb withTransfer(long newBlocks, long newDataBytes) {
        return new Cdb(opcode, serviceAction, length, lba, newBlocks, transferLengthOffset, allocationLength,
                newDataBytes, flags, values, control);
    }

    public boolean has(CdbFlag flag) {
        return flags.contains(flag);
    }

    /** The field's value, 0 when the command has no such field. */
    public int value(CdbValue field) {
        Integer v = values.get(field);
        return v == null ? 0 : v;
    }

    /** BYTCHK (VERIFY, WRITE AND VERIFY). */
    public int bytchk() {
        return value(BYTCHK);
    }

    /** INQUIRY and MODE SENSE PAGE CODE; READ DEFECT DATA REQ_PLIST, REQ_GLIST and DEFECT LIST FORMAT. */
    public int pageCode() {
        return value(PAGE_CODE);
    }

    /** MODE SENSE SUBPAGE CODE. */
    public int subpageCode() {
        return value(SUBPAGE_CODE);
    }

    /** MODE SENSE PC. */
    public int pageControl() {
        return value(PAGE_CONTROL);
    }

    /** PREVENT ALLOW MEDIUM REMOVAL PREVENT. */
    public int prevent() {
        return value(PREVENT);
    }

    /** START STOP UNIT POWER CONDITION. */
    public int powerCondition() {
        return value(POWER_CONDITION);
    }

    /** REPORT SUPPORTED OPERATION CODES REPORTING OPTIONS; REPORT TARGET PORT GROUPS PARAMETER DATA FORMAT. */
    public int reportingOptions() {
        return value(REPORTING_OPTIONS);
    }

    /** REPORT SUPPORTED OPERATION CODES REQUESTED OPERATION CODE. */
    public int requestedOpcode() {
        return value(REQUESTED_OPCODE);
    }

    /** REPORT SUPPORTED OPERATION CODES REQUESTED SERVICE ACTION. */
    public int requestedServiceAction() {
        return value(REQUESTED_SERVICE_ACTION);
    }

    /** REPORT LUNS SELECT REPORT. */
    public int selectReport() {
        return value(SELECT_REPORT);
    }

    /** PERSISTENT RESERVE OUT SCOPE. */
    public int prScope() {
        return value(PR_SCOPE);
    }

    /** PERSISTENT RESERVE OUT TYPE. */
    public int prType() {
        return value(PR_TYPE);
    }
}
