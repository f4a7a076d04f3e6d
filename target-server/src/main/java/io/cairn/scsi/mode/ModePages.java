package io.cairn.scsi.mode;

import io.cairn.coord.scsi.ScsiContext;
import java.util.List;

/**
 * The mode pages the logical unit implements, their default values and changeable masks. Current
 * values live in {@link ScsiContext#modePages()} (whole page, header included) so every gateway
 * reports and obeys the same; an absent page has its default values.
 *
 * <p>{@code writeCache} is the device's ({@code BlockDevice.writeCache()}): a write-back LUN has a
 * volatile write cache, WCE=1 by default and changeable; a durable LUN has none, WCE=0 and not
 * changeable, whatever a context stored earlier says.
 */
public final class ModePages {

    public static final int CACHING = 0x08;
    public static final int CONTROL = 0x0A;
    public static final int INFORMATIONAL_EXCEPTIONS = 0x1C;
    public static final int ALL_PAGES = 0x3F;

    /** Page codes in ascending order (SPC-4 6.11: pages are returned in ascending page code order). */
    public static final List<Integer> CODES = List.of(CACHING, CONTROL, INFORMATIONAL_EXCEPTIONS);

    private ModePages() {}

    /** Default values (SPC-4 6.11 PC 10b). */
    public static byte[] defaults(int page, boolean writeCache) {
        return withoutCache(page, defaults(page), writeCache);
    }

    /** Changeable-values mask (SPC-4 6.11 PC 01b). */
    public static byte[] changeable(int page, boolean writeCache) {
        return withoutCache(page, changeable(page), writeCache);
    }

    /** Current values of {@code page} for the LUN (a copy). */
    public static byte[] current(ScsiContext ctx, int page, boolean writeCache) {
        byte[] stored = ctx.modePages().get(page);
        return withoutCache(page, stored != null ? stored.clone() : defaults(page), writeCache);
    }

    /**
     * SBC-4 6.5.5 WCE: whether a write may complete before it is durable. When false, every write
     * is to be handled as FUA (SBC-4 4.15: with WCE=0 the device server completes a write only once
     * its data is on the medium).
     */
    public static boolean writeCacheEnabled(ScsiContext ctx, boolean writeCache) {
        if (!writeCache) {
            return false;
        }
        byte[] stored = ctx.modePages().get(CACHING); // read in place: this runs for every command
        return ((stored != null ? stored[2] : DEFAULT_CACHING_BYTE_2) & 0x04) != 0;
    }

    private static final byte DEFAULT_CACHING_BYTE_2 = defaults(CACHING)[2];

    private static byte[] withoutCache(int page, byte[] values, boolean writeCache) {
        if (page == CACHING && !writeCache && values != null) {
            values[2] &= ~0x04;
        }
        return values;
    }

    /** Default values for a device with a write cache. */
    static byte[] defaults(int page) {
        return switch (page) {
            // SBC-4 6.5.5: WCE=1, the device has a volatile cache (flush and FUA are meaningful)
            case CACHING -> page(CACHING, 0x12, 2, 0x04);
            // SPC-4 7.5.8: TST=000b one task set, D_SENSE=0, GLTSD=1; QAM=1 unrestricted reordering,
            // QERR=00b; SWP=0; TAS=0
            case CONTROL -> page(CONTROL, 0x0A, 2, 0x02, 3, 0x10);
            // SPC-4 7.5.7: DEXCPT=1, informational exceptions are not reported
            case INFORMATIONAL_EXCEPTIONS -> page(INFORMATIONAL_EXCEPTIONS, 0x0A, 2, 0x08);
            default -> null;
        };
    }

    /** Changeable-values mask for a device with a write cache: WCE; D_SENSE and SWP. */
    static byte[] changeable(int page) {
        return switch (page) {
            case CACHING -> page(CACHING, 0x12, 2, 0x04);
            case CONTROL -> page(CONTROL, 0x0A, 2, 0x04, 4, 0x08);
            case INFORMATIONAL_EXCEPTIONS -> page(INFORMATIONAL_EXCEPTIONS, 0x0A);
            default -> null;
        };
    }

    private static byte[] current(ScsiContext ctx, int page) {
        byte[] stored = ctx.modePages().get(page);
        return stored != null ? stored.clone() : defaults(page);
    }

    /** SPC-4 7.5.8 D_SENSE: report sense data in descriptor format. */
    public static boolean descriptorSense(ScsiContext ctx) {
        return (current(ctx, CONTROL)[2] & 0x04) != 0;
    }

    /** SPC-4 7.5.8 SWP: the medium is write protected. */
    public static boolean softwareWriteProtect(ScsiContext ctx) {
        return (current(ctx, CONTROL)[4] & 0x08) != 0;
    }

    private static byte[] page(int code, int length, int... byteAndValue) {
        byte[] p = new byte[length + 2];
        p[0] = (byte) code;
        p[1] = (byte) length;
        for (int i = 0; i < byteAndValue.length; i += 2) {
            p[byteAndValue[i]] = (byte) byteAndValue[i + 1];
        }
        return p;
    }
}
