package io.cairn.scsi.cdb;

import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a raw CDB into a {@link Cdb}, once, from its command's {@link CdbLayout}, with every field
 * check that does not need the handler's state: CDB length, fields that must be zero, checks across
 * fields, and the LBA range check against the capacity (SBC-4 4.5). No command is decoded anywhere
 * else, and no handler reads raw CDB bytes.
 */
public final class CdbParser {

    private CdbParser() {}

    /**
     * @param raw           the CDB as received
     * @param layout        the CDB layout of the command the opcode registry matched
     * @param serviceAction the service action the registry matched, or -1
     * @param blockSize     the logical unit's block size (512 when there is no logical unit)
     * @param capacity      the number of logical blocks (0 when there is no logical unit)
     */
    public static Decoded parse(byte[] raw, CdbLayout layout, int serviceAction, int blockSize, long capacity) {
        int length = layout.length();
        if (raw.length < length) {
            // SAM-5 5.2: a CDB shorter than its opcode defines is an invalid CDB
            return Decoded.fail(Sense.invalidCdbField(0, 7));
        }
        for (CdbField f : layout.mustBeZero()) {
            if (f.read(raw) != 0) {
                return Decoded.fail(Sense.invalidCdbField(f.offset(), f.highBit()));
            }
        }
        Set<CdbFlag> flags = EnumSet.noneOf(CdbFlag.class);
        layout.flags().forEach((flag, field) -> {
            if (field.read(raw) != 0) {
                flags.add(flag);
            }
        });
        Map<CdbValue, Integer> values = layout.values().isEmpty() ? Map.of() : new EnumMap<>(CdbValue.class);
        layout.values().forEach((value, field) -> values.put(value, (int) field.read(raw)));
        long lba = read(layout.lba(), raw);
        long blocks = read(layout.transferLength(), raw);
        if (blocks == 0 && layout.zeroBlocksMeans256()) {
            blocks = 256; // SBC-4 5.15: READ(6)/WRITE(6) TRANSFER LENGTH 0 means 256 blocks
        }
        int allocation = (int) Math.min(Integer.MAX_VALUE, read(layout.allocationLength(), raw));
        long dataBytes = layout.dataLength().bytes(blocks, allocation, values.getOrDefault(CdbValue.BYTCHK, 0), flags,
                blockSize);
        int transferLengthOffset = layout.transferLength() == null ? -1 : layout.transferLength().offset();
        Cdb cdb = new Cdb(raw[0] & 0xFF, serviceAction, length, lba, blocks, transferLengthOffset, allocation,
                dataBytes, flags, values, raw[length - 1] & 0xFF);
        for (CdbRule rule : layout.rules()) {
            Sense error = rule.check(cdb);
            if (error != null) {
                return Decoded.fail(error);
            }
        }
        if (layout.lbaCheck().outside(lba, blocks, capacity)) {
            return Decoded.fail(Sense.of(SenseReason.LBA_OUT_OF_RANGE)); // SBC-4 4.5
        }
        return Decoded.ok(cdb);
    }

    private static long read(CdbField field, byte[] raw) {
        return field == null ? 0 : field.read(raw);
    }
}
