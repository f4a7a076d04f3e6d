package io.cairn.scsi;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContext.UnitAttention;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure functions over the pending unit-attention conditions of a {@link ScsiContext} (SAM-5 5.14):
 * queued per I_T nexus, oldest first, each reported once.
 */
public final class UnitAttentions {

    /** SAM-5 5.14: a device server may drop conditions beyond what it can queue; this bounds the document. */
    static final int MAX_PENDING = 16;

    private UnitAttentions() {}

    /** Queues {@code ua} for each nexus in {@code nexusKeys}, skipping a nexus where it is already pending. */
    public static ScsiContext raise(ScsiContext ctx, Collection<String> nexusKeys, SenseReason ua) {
        if (nexusKeys.isEmpty()) {
            return ctx;
        }
        UnitAttention cond = new UnitAttention(ua.asc(), ua.ascq());
        Map<String, List<UnitAttention>> all = new HashMap<>(ctx.unitAttentions());
        for (String key : nexusKeys) {
            List<UnitAttention> list = new ArrayList<>(all.getOrDefault(key, List.of()));
            if (!list.contains(cond) && list.size() < MAX_PENDING) {
                list.add(cond);
            }
            all.put(key, List.copyOf(list));
        }
        return ctx.withUnitAttentions(all);
    }

    /** The oldest pending condition for the nexus, or null. */
    public static UnitAttention oldest(ScsiContext ctx, String nexusKey) {
        List<UnitAttention> list = ctx.unitAttentions().get(nexusKey);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** Removes {@code reported} from the nexus's queue, if still there (it may have been consumed meanwhile). */
    public static ScsiContext consume(ScsiContext ctx, String nexusKey, UnitAttention reported) {
        List<UnitAttention> list = ctx.unitAttentions().get(nexusKey);
        if (list == null || !list.contains(reported)) {
            return null;
        }
        Map<String, List<UnitAttention>> all = new HashMap<>(ctx.unitAttentions());
        List<UnitAttention> rest = new ArrayList<>(list);
        rest.remove(reported);
        if (rest.isEmpty()) {
            all.remove(nexusKey);
        } else {
            all.put(nexusKey, List.copyOf(rest));
        }
        return ctx.withUnitAttentions(all);
    }

    /** Drops every condition pending for the nexus (its nexus is gone). */
    public static ScsiContext clear(ScsiContext ctx, String nexusKey) {
        if (!ctx.unitAttentions().containsKey(nexusKey)) {
            return ctx;
        }
        Map<String, List<UnitAttention>> all = new HashMap<>(ctx.unitAttentions());
        all.remove(nexusKey);
        return ctx.withUnitAttentions(all);
    }

    /** The sense reason for a queued condition; unknown codes map to the closest reset condition. */
    public static SenseReason reasonOf(UnitAttention ua) {
        for (SenseReason r : SenseReason.values()) {
            if (r.key() == 0x6 && r.asc() == ua.asc() && r.ascq() == ua.ascq()) {
                return r;
            }
        }
        return SenseReason.POWER_ON_RESET;
    }
}
