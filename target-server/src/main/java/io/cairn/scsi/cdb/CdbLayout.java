package io.cairn.scsi.cdb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The format of one command's CDB, as data: its length, where its LBA, transfer length and
 * allocation length lie and how wide they are, its one-bit and small fields, the bits that must be
 * zero, the checks across fields, which LBAs must lie inside the medium and how long its data phase
 * is. {@link CdbParser} decodes every CDB from its command's layout alone; {@link CdbLayouts} holds
 * the standard ones. Immutable; built with {@link #of}.
 */
public final class CdbLayout {

    /** Which logical blocks the shared range check requires inside the medium (SBC-4 4.5). */
    public enum LbaCheck {
        /** The LBA field is not an address on the medium, or there is none. */
        NONE,
        /** Only the LBA itself (GET LBA STATUS, SBC-4 5.8). */
        LBA_ONLY,
        /** Every block from the LBA through LBA + transfer length - 1. */
        EXTENT;

        boolean outside(long lba, long blocks, long capacity) {
            return switch (this) {
                case NONE -> false;
                case LBA_ONLY -> Long.compareUnsigned(lba, capacity) >= 0;
                case EXTENT -> LbaRange.outside(lba, blocks, capacity);
            };
        }
    }

    private final int length;
    private final CdbField lba;
    private final CdbField transferLength;
    private final boolean zeroBlocksMeans256;
    private final CdbField allocationLength;
    private final Map<CdbFlag, CdbField> flags;
    private final Map<CdbValue, CdbField> values;
    private final List<CdbField> mustBeZero;
    private final List<CdbRule> rules;
    private final LbaCheck lbaCheck;
    private final DataLength dataLength;

    private CdbLayout(Builder b) {
        this.length = b.length;
        this.lba = b.lba;
        this.transferLength = b.transferLength;
        this.zeroBlocksMeans256 = b.zeroBlocksMeans256;
        this.allocationLength = b.allocationLength;
        this.flags = b.flags.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(b.flags));
        this.values = b.values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(b.values));
        this.mustBeZero = List.copyOf(b.mustBeZero);
        this.rules = List.copyOf(b.rules);
        this.lbaCheck = b.lbaCheck;
        this.dataLength = b.dataLength;
    }

    /** A layout of a CDB {@code length} bytes long: the operation code, the fields added, the CONTROL byte last. */
    public static Builder of(int length) {
        return new Builder(length);
    }

    /** The CDB length the command defines. */
    public int length() {
        return length;
    }

    /** LOGICAL BLOCK ADDRESS, or null. */
    public CdbField lba() {
        return lba;
    }

    /** TRANSFER LENGTH (NUMBER OF LOGICAL BLOCKS, VERIFICATION LENGTH, ...) in blocks, or null. */
    public CdbField transferLength() {
        return transferLength;
    }

    /** SBC-4 5.15/5.40: in READ(6) and WRITE(6) a TRANSFER LENGTH of 0 means 256 blocks. */
    public boolean zeroBlocksMeans256() {
        return zeroBlocksMeans256;
    }

    /** ALLOCATION LENGTH or PARAMETER LIST LENGTH in bytes, or null. */
    public CdbField allocationLength() {
        return allocationLength;
    }

    public Map<CdbFlag, CdbField> flags() {
        return flags;
    }

    public Map<CdbValue, CdbField> values() {
        return values;
    }

    /** Fields that must hold zero; a CDB with one set is an invalid field pointing at its high bit. */
    public List<CdbField> mustBeZero() {
        return mustBeZero;
    }

    public List<CdbRule> rules() {
        return rules;
    }

    public LbaCheck lbaCheck() {
        return lbaCheck;
    }

    public DataLength dataLength() {
        return dataLength;
    }

    /** Collects one layout; {@link #build} checks that every field lies between the operation code and the CONTROL byte. */
    public static final class Builder {
        private final int length;
        private CdbField lba;
        private CdbField transferLength;
        private boolean zeroBlocksMeans256;
        private CdbField allocationLength;
        private final Map<CdbFlag, CdbField> flags = new EnumMap<>(CdbFlag.class);
        private final Map<CdbValue, CdbField> values = new EnumMap<>(CdbValue.class);
        private final List<CdbField> mustBeZero = new ArrayList<>();
        private final List<CdbRule> rules = new ArrayList<>();
        private LbaCheck lbaCheck = LbaCheck.NONE;
        private DataLength dataLength = DataLength.NONE;

        private Builder(int length) {
            if (length != 6 && length != 10 && length != 12 && length != 16) {
                throw new IllegalArgumentException("CDB length " + length); // SPC-4 4.2.2: 6, 10, 12, 16 bytes
            }
            this.length = length;
        }

        public Builder lba(CdbField field) {
            lba = field;
            return this;
        }

        /** Whole-byte LBA at {@code offset}, {@code bytes} wide. */
        public Builder lba(int offset, int bytes) {
            return lba(CdbField.bytes(offset, bytes));
        }

        public Builder transferLength(CdbField field) {
            transferLength = field;
            return this;
        }

        /** Whole-byte transfer length in blocks at {@code offset}, {@code bytes} wide. */
        public Builder transferLength(int offset, int bytes) {
            return transferLength(CdbField.bytes(offset, bytes));
        }

        /** The one-byte transfer length of READ(6)/WRITE(6), where 0 means 256 (SBC-4 5.15). */
        public Builder transferLength256(int offset) {
            zeroBlocksMeans256 = true;
            return transferLength(offset, 1);
        }

        /** ALLOCATION LENGTH or PARAMETER LIST LENGTH at {@code offset}; {@link DataLength#ALLOCATION_LENGTH} unless set otherwise. */
        public Builder allocationLength(int offset, int bytes) {
            allocationLength = CdbField.bytes(offset, bytes);
            if (dataLength == DataLength.NONE) {
                dataLength = DataLength.ALLOCATION_LENGTH;
            }
            return this;
        }

        public Builder flag(CdbFlag flag, int offset, int bit) {
            flags.put(flag, CdbField.bit(offset, bit));
            return this;
        }

        public Builder value(CdbValue value, CdbField field) {
            values.put(value, field);
            return this;
        }

        /** Bits {@code high}..{@code low} of byte {@code offset} must be zero. */
        public Builder mustBeZero(int offset, int high, int low) {
            mustBeZero.add(CdbField.bits(offset, high, low));
            return this;
        }

        public Builder rule(CdbRule rule) {
            rules.add(rule);
            return this;
        }

        public Builder lbaCheck(LbaCheck check) {
            lbaCheck = check;
            return this;
        }

        public Builder data(DataLength length) {
            dataLength = length;
            return this;
        }

        public CdbLayout build() {
            List<CdbField> all = new ArrayList<>(mustBeZero);
            all.addAll(flags.values());
            all.addAll(values.values());
            for (CdbField f : new CdbField[] {lba, transferLength, allocationLength}) {
                if (f != null) {
                    all.add(f);
                }
            }
            for (CdbField f : all) {
                if (f.end() > length - 1) {
                    throw new IllegalArgumentException(f + " runs into the CONTROL byte of a " + length + "-byte CDB");
                }
            }
            if (lbaCheck != LbaCheck.NONE && lba == null) {
                throw new IllegalArgumentException("an LBA range check without an LBA field");
            }
            return new CdbLayout(this);
        }
    }
}
