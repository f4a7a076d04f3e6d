package io.cairn.scsi.cdb;

import static io.cairn.scsi.cdb.CdbFlag.*;

import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import java.util.EnumSet;

/**
 * Decodes a raw CDB into a {@link Cdb}, once, with every field check that does not need the
 * handler's state: CDB length, reserved and unsupported fields, and the LBA range check against
 * the capacity (SBC-4 4.5), which lives here and nowhere else.
 */
public final class CdbParser {

    private CdbParser() {}

    /**
     * @param raw            the CDB as received
     * @param expectedLength the CDB length the opcode registry gives for this opcode
     * @param serviceAction  the service action the registry matched, or -1
     * @param blockSize      the logical unit's block size (512 when there is no logical unit)
     * @param capacity       the number of logical blocks (0 when there is no logical unit)
     */
    public static Decoded parse(byte[] raw, int expectedLength, int serviceAction, int blockSize, long capacity) {
        if (raw.length < expectedLength) {
            // SAM-5 5.2: a CDB shorter than its opcode defines is an invalid CDB
            return Decoded.fail(Sense.invalidCdbField(0, 7));
        }
        Fields f = new Fields(raw, expectedLength, serviceAction);
        Sense error = decode(f, raw, blockSize);
        if (error != null) {
            return Decoded.fail(error);
        }
        if (f.lbaOnly && Long.compareUnsigned(f.lba, capacity) >= 0
                || f.rangeChecked && outOfRange(f.lba, f.blocks, capacity)) {
            return Decoded.fail(Sense.of(SenseReason.LBA_OUT_OF_RANGE)); // SBC-4 4.5
        }
        return Decoded.ok(f.build());
    }

    /** SBC-4 4.5: every LBA from {@code lba} to {@code lba + blocks - 1} must be below the capacity. */
    static boolean outOfRange(long lba, long blocks, long capacity) {
        if (Long.compareUnsigned(lba, capacity) > 0) {
            return true;
        }
        return Long.compareUnsigned(blocks, capacity - lba) > 0;
    }

    private static Sense decode(Fields f, byte[] b, int bs) {
        int op = f.opcode;
        switch (op) {
            case 0x00, 0x16, 0x17 -> { /* TEST UNIT READY, RESERVE(6), RELEASE(6): no fields */ }
            case 0x03 -> { // SPC-4 6.39 REQUEST SENSE
                f.flag(b[1] & 0x01, DESC);
                f.alloc = u8(b, 4);
                f.dataBytes = f.alloc;
            }
            case 0x12 -> { // SPC-4 6.6 INQUIRY
                if ((b[1] & 0x02) != 0) {
                    return Sense.invalidCdbField(1, 1); // CMDDT is obsolete
                }
                f.flag(b[1] & 0x01, EVPD);
                f.pageCode = u8(b, 2);
                if (!f.flags.contains(EVPD) && f.pageCode != 0) {
                    return Sense.invalidCdbField(2, 7); // SPC-4 6.6.1: PAGE CODE without EVPD
                }
                f.alloc = u16(b, 3);
                f.dataBytes = f.alloc;
            }
            case 0x08, 0x0A -> { // SBC-4 5.15 READ(6), 5.40 WRITE(6)
                f.lba = ((b[1] & 0x1F) << 16) | (u8(b, 2) << 8) | u8(b, 3);
                int tl = u8(b, 4);
                f.blocks = tl == 0 ? 256 : tl; // SBC-4 5.15: 0 means 256 blocks
                f.medium(bs);
            }
            case 0x28, 0x2A, 0x2E, 0x2F, 0xA8, 0xAA, 0xAE, 0xAF, 0x88, 0x8A, 0x8E, 0x8F, 0x8B -> {
                Sense s = protect(b);
                if (s != null) {
                    return s;
                }
                f.flag(b[1] & 0x10, DPO);
                boolean verify = op == 0x2F || op == 0xAF || op == 0x8F;
                boolean writeVerify = op == 0x2E || op == 0xAE || op == 0x8E;
                if (!verify && !writeVerify) {
                    f.flag(b[1] & 0x08, FUA);
                }
                lbaAndLength(f, b);
                f.medium(bs);
                if (verify) {
                    f.bytchk = (b[1] >> 1) & 0x03;
                    if (f.bytchk == 2) {
                        return Sense.invalidCdbField(1, 2); // SBC-4 5.30 Table 79: BYTCHK 10b reserved
                    }
                    f.dataBytes = f.bytchk == 0 ? 0 : f.bytchk == 1 ? f.blocks * bs : (f.blocks == 0 ? 0 : bs);
                } else if (writeVerify) {
                    f.bytchk = (b[1] >> 1) & 0x01;
                }
            }
            case 0x34, 0x35, 0x90, 0x91 -> { // SBC-4 5.9/5.10 PRE-FETCH, 5.24/5.25 SYNCHRONIZE CACHE
                f.flag(b[1] & 0x02, IMMED);
                lbaAndLength(f, b);
                f.rangeChecked = true;
            }
            case 0x41, 0x93 -> { // SBC-4 5.47/5.48 WRITE SAME
                if ((b[1] & 0xE0) != 0) {
                    return Sense.invalidCdbField(1, 7); // WRPROTECT without protection information
                }
                f.flag(b[1] & 0x10, ANCHOR);
                f.flag(b[1] & 0x08, UNMAP);
                if (op == 0x93) {
                    f.flag(b[1] & 0x01, NDOB);
                }
                lbaAndLength(f, b);
                f.rangeChecked = true;
                f.dataBytes = f.flags.contains(NDOB) ? 0 : bs;
            }
            case 0x89 -> { // SBC-4 5.3 COMPARE AND WRITE
                Sense s = protect(b);
                if (s != null) {
                    return s;
                }
                f.flag(b[1] & 0x10, DPO);
                f.flag(b[1] & 0x08, FUA);
                f.lba = s64(b, 2);
                f.blocks = u8(b, 13);
                f.rangeChecked = true;
                f.dataBytes = 2L * f.blocks * bs;
            }
            case 0x42 -> { // SBC-4 5.32 UNMAP
                f.flag(b[1] & 0x01, ANCHOR);
                f.alloc = u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0x25 -> { // SBC-4 5.20 READ CAPACITY(10)
                f.lba = u32(b, 2);
                f.flag(b[8] & 0x01, PMI);
                if (!f.flags.contains(PMI) && f.lba != 0) {
                    return Sense.invalidCdbField(2, 7); // SBC-3 5.15: LBA must be 0 when PMI is 0
                }
                f.dataBytes = 8;
            }
            case 0x9E -> { // SBC-4 5.21 READ CAPACITY(16), 5.8 GET LBA STATUS
                f.lba = s64(b, 2);
                f.alloc = (int) Math.min(Integer.MAX_VALUE, u32(b, 10));
                f.dataBytes = f.alloc;
                f.lbaOnly = f.serviceAction == 0x12;
            }
            case 0x1A, 0x5A -> { // SPC-4 6.11/6.12 MODE SENSE
                f.flag(b[1] & 0x08, DBD);
                if (op == 0x5A) {
                    f.flag(b[1] & 0x10, LLBAA);
                }
                f.pageControl = (u8(b, 2) >> 6) & 0x03;
                f.pageCode = b[2] & 0x3F;
                f.subpage = u8(b, 3);
                f.alloc = op == 0x1A ? u8(b, 4) : u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0x15, 0x55 -> { // SPC-4 6.9/6.10 MODE SELECT
                f.flag(b[1] & 0x10, PF);
                f.flag(b[1] & 0x01, SP);
                f.alloc = op == 0x15 ? u8(b, 4) : u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0x1B -> { // SBC-4 5.27 START STOP UNIT
                f.flag(b[1] & 0x01, IMMED);
                f.powerCondition = (u8(b, 4) >> 4) & 0x0F;
                f.flag(b[4] & 0x04, NO_FLUSH);
                f.flag(b[4] & 0x02, LOEJ);
                f.flag(b[4] & 0x01, START);
            }
            case 0x1E -> f.prevent = b[4] & 0x03; // SBC-4 5.11 PREVENT ALLOW MEDIUM REMOVAL
            case 0x56, 0x57 -> { // SPC-2 7.22/7.25 RESERVE(10)/RELEASE(10)
                if ((b[1] & 0x10) != 0) {
                    return Sense.invalidCdbField(1, 4); // third-party reservations are not supported
                }
                f.flag(b[1] & 0x02, LONGID);
                f.alloc = u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0xA0 -> { // SPC-4 6.33 REPORT LUNS
                f.selectReport = u8(b, 2);
                f.alloc = (int) Math.min(Integer.MAX_VALUE, u32(b, 6));
                if (f.alloc < 16) {
                    return Sense.invalidCdbField(6, 7); // SPC-4 6.33: allocation length below 16
                }
                f.dataBytes = f.alloc;
            }
            case 0xA3 -> { // SPC-4 6.36 RTPG, 6.35 REPORT SUPPORTED OPERATION CODES
                if (f.serviceAction == 0x0C) {
                    f.flag(b[2] & 0x80, RCTD);
                    f.reportingOptions = b[2] & 0x07;
                    f.requestedOpcode = u8(b, 3);
                    f.requestedSa = u16(b, 4);
                } else {
                    f.reportingOptions = (u8(b, 1) >> 5) & 0x07; // RTPG PARAMETER DATA FORMAT
                }
                f.alloc = (int) Math.min(Integer.MAX_VALUE, u32(b, 6));
                f.dataBytes = f.alloc;
            }
            case 0x5E -> { // SPC-4 6.15 PERSISTENT RESERVE IN
                f.alloc = u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0x5F -> { // SPC-4 6.16 PERSISTENT RESERVE OUT
                f.prScope = (u8(b, 2) >> 4) & 0x0F;
                f.prType = b[2] & 0x0F;
                f.alloc = (int) Math.min(Integer.MAX_VALUE, u32(b, 5));
                f.dataBytes = f.alloc;
            }
            case 0x37 -> { // SBC-4 5.12 READ DEFECT DATA(10)
                f.pageCode = b[2] & 0x1F; // REQ_PLIST, REQ_GLIST, DEFECT LIST FORMAT
                f.alloc = u16(b, 7);
                f.dataBytes = f.alloc;
            }
            case 0xB7 -> { // SBC-4 5.13 READ DEFECT DATA(12)
                f.pageCode = b[1] & 0x1F;
                f.alloc = (int) Math.min(Integer.MAX_VALUE, u32(b, 6));
                f.dataBytes = f.alloc;
            }
            default -> { }
        }
        return null;
    }

    /** SBC-4 4.22: RDPROTECT/WRPROTECT/VRPROTECT must be zero without protection information. */
    private static Sense protect(byte[] b) {
        return (b[1] & 0xE0) != 0 ? Sense.invalidCdbField(1, 7) : null;
    }

    private static void lbaAndLength(Fields f, byte[] b) {
        switch (f.length) {
            case 10 -> {
                f.lba = u32(b, 2);
                f.blocks = u16(b, 7);
            }
            case 12 -> {
                f.lba = u32(b, 2);
                f.blocks = u32(b, 6);
            }
            default -> {
                f.lba = s64(b, 2);
                f.blocks = u32(b, 10);
            }
        }
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static int u16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }

    static long s64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }

    /** Mutable scratch for one decode; turned into the immutable {@link Cdb} at the end. */
    private static final class Fields {
        final int opcode;
        final int serviceAction;
        final int length;
        final int control;
        final EnumSet<CdbFlag> flags = EnumSet.noneOf(CdbFlag.class);
        long lba;
        long blocks;
        int alloc;
        long dataBytes;
        int bytchk;
        int pageCode;
        int subpage;
        int pageControl;
        int prevent;
        int powerCondition;
        int reportingOptions;
        int requestedOpcode;
        int requestedSa;
        int selectReport;
        int prScope;
        int prType;
        /** LBA and length are checked against the capacity (SBC-4 4.5). */
        boolean rangeChecked;
        /** Only the LBA itself must lie inside the medium (GET LBA STATUS, SBC-4 5.8). */
        boolean lbaOnly;

        Fields(byte[] raw, int length, int serviceAction) {
            this.opcode = raw[0] & 0xFF;
            this.serviceAction = serviceAction;
            this.length = length;
            this.control = raw[length - 1] & 0xFF;
        }

        void flag(int bit, CdbFlag flag) {
            if (bit != 0) {
                flags.add(flag);
            }
        }

        /** A command that moves {@code blocks} blocks of data through the medium. */
        void medium(int blockSize) {
            rangeChecked = true;
            dataBytes = blocks * blockSize;
        }

        Cdb build() {
            return new Cdb(opcode, serviceAction, length, lba, blocks, alloc, dataBytes, flags, bytchk, pageCode,
                    subpage, pageControl, prevent, powerCondition, reportingOptions, requestedOpcode, requestedSa,
                    selectReport, prScope, prType, control);
        }
    }
}
