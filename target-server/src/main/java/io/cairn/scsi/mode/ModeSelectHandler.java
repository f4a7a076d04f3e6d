package io.cairn.scsi.mode;

import static io.cairn.scsi.BigEndian.get32;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.coord.scsi.ScsiContextStore.Update;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.UnitAttentions;
import io.cairn.scsi.cdb.CdbFlag;
import io.cairn.scsi.handler.CommandHandler;
import io.cairn.scsi.handler.Outcome;
import io.cairn.scsi.handler.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * MODE SELECT(6)/(10) (SPC-4 6.9/6.10): validates the whole parameter list (only changeable bits may
 * differ from the current values), then stores the new pages in the LUN's context and raises MODE
 * PARAMETERS CHANGED for every other I_T nexus (SPC-4 7.5.1). An instance reads the parameter list
 * header its registry row gives it.
 */
public final class ModeSelectHandler implements CommandHandler {

    private final ModeParameterHeader header;

    public ModeSelectHandler(ModeParameterHeader header) {
        this.header = header;
    }

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        if (r.cdb().has(CdbFlag.SP)) {
            return done(Outcome.check(Sense.invalidCdbField(1, 0))); // SPC-4 6.9: saved pages not implemented
        }
        byte[] p = r.parameters();
        if (p.length == 0) {
            return done(Outcome.good()); // SPC-4 6.9: zero length is not an error
        }
        if (p.length < header.length()) {
            return done(Outcome.check(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        int bdLength = header.blockDescriptorLength(p);
        int at = header.length() + bdLength;
        if (at > p.length) {
            return done(Outcome.check(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
        }
        Sense bad = checkBlockDescriptors(p, header.length(), bdLength, header.longLba(p), r.device().blockSize());
        if (bad != null) {
            return done(Outcome.check(bad));
        }
        if (at < p.length && !r.cdb().has(CdbFlag.PF)) {
            return done(Outcome.check(Sense.invalidCdbField(1, 4))); // SPC-4 6.9: only SPC-format pages
        }
        Map<Integer, byte[]> wanted = new HashMap<>();
        while (at < p.length) {
            if (p.length - at < 2) {
                return done(Outcome.check(SenseReason.PARAMETER_LIST_LENGTH_ERROR));
            }
            int code = p[at] & 0x3F;
            if ((p[at] & 0x40) != 0 || !ModePages.CODES.contains(code)) {
                return done(Outcome.check(Sense.invalidParameter(at, 5))); // no subpages; unknown page
            }
            byte[] current = ModePages.current(r.context(), code, r.device().writeCache());
            int len = (p[at + 1] & 0xFF) + 2;
            if (len != current.length || at + len > p.length) {
                return done(Outcome.check(Sense.invalidParameter(at + 1, 7)));
            }
            byte[] mask = ModePages.changeable(code, r.device().writeCache());
            byte[] page = Arrays.copyOfRange(p, at, at + len);
            page[0] &= 0x3F; // PS is reserved in MODE SELECT
            for (int i = 2; i < len; i++) {
                if (((page[i] ^ current[i]) & ~mask[i]) != 0) {
                    // SPC-4 6.9: a field that is not changeable must hold its current value
                    return done(Outcome.check(Sense.invalidParameter(at + i, -1)));
                }
            }
            wanted.put(code, page);
            at += len;
        }
        if (wanted.isEmpty()) {
            return done(Outcome.good());
        }
        List<String> others = new ArrayList<>(r.core().nexusKeysOf(r.unit().id()));
        others.remove(r.nexus().key());
        return r.core().contexts()
                .<Void>update(r.unit().id(), ctx -> new Update<>(apply(ctx, wanted, others, r.device().writeCache()), null))
                .thenApply(v -> Outcome.good());
    }

    /** Pure: the context with the changeable bits of {@code wanted} applied, or null if nothing changes. */
    static ScsiContext apply(ScsiContext ctx, Map<Integer, byte[]> wanted, List<String> others, boolean writeCache) {
        Map<Integer, byte[]> pages = new HashMap<>(ctx.modePages());
        boolean changed = false;
        for (Map.Entry<Integer, byte[]> e : wanted.entrySet()) {
            byte[] current = ModePages.current(ctx, e.getKey(), writeCache);
            byte[] mask = ModePages.changeable(e.getKey(), writeCache);
            byte[] next = current.clone();
            for (int i = 2; i < next.length; i++) {
                next[i] = (byte) ((current[i] & ~mask[i]) | (e.getValue()[i] & mask[i]));
            }
            if (!Arrays.equals(next, current)) {
                changed = true;
                pages.put(e.getKey(), next);
            }
        }
        if (!changed) {
            return null;
        }
        // SPC-4 7.5.1: other I_T nexuses learn of the change through MODE PARAMETERS CHANGED
        return UnitAttentions.raise(ctx.withModePages(pages), others, SenseReason.MODE_PARAMETERS_CHANGED);
    }

    /** SPC-4 7.5.5: a block descriptor may be sent, but cannot change the block length. */
    private static Sense checkBlockDescriptors(byte[] p, int header, int bdLength, boolean longLba, int blockSize) {
        int size = longLba ? 16 : 8;
        if (bdLength % size != 0) {
            return Sense.invalidParameter(header - 1, 7);
        }
        for (int at = header; at < header + bdLength; at += size) {
            long len = longLba ? get32(p, at + 12) : get32(p, at + 4) & 0xFFFFFF;
            if (len != 0 && len != blockSize) {
                return Sense.invalidParameter(at + size - 1, 7);
            }
        }
        return null;
    }

    private static CompletableFuture<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
