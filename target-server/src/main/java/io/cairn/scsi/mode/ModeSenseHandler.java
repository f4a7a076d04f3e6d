package io.cairn.scsi.mode;

import static io.cairn.scsi.BigEndian.put32;
import static io.cairn.scsi.BigEndian.put64;

import io.cairn.coord.scsi.ScsiContext;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.cairn.scsi.cdb.Cdb;
import io.cairn.scsi.cdb.CdbFlag;
import io.cairn.scsi.handler.CommandHandler;
import io.cairn.scsi.handler.Outcome;
import io.cairn.scsi.handler.Request;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * MODE SENSE(6)/(10) (SPC-4 6.11/6.12): header, optional block descriptor, then the requested pages.
 * An instance answers with the header its registry row gives it.
 */
public final class ModeSenseHandler implements CommandHandler {

    private final ModeParameterHeader header;

    public ModeSenseHandler(ModeParameterHeader header) {
        this.header = header;
    }

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        Cdb cdb = r.cdb();
        if (cdb.pageControl() == 3) {
            // SPC-4 6.11: saved values are not implemented
            return done(Outcome.check(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED));
        }
        List<Integer> pages;
        if (cdb.pageCode() == ModePages.ALL_PAGES && (cdb.subpageCode() == 0 || cdb.subpageCode() == 0xFF)) {
            pages = ModePages.CODES;
        } else if (ModePages.CODES.contains(cdb.pageCode()) && cdb.subpageCode() == 0) {
            pages = List.of(cdb.pageCode());
        } else {
            return done(Outcome.check(Sense.invalidCdbField(cdb.subpageCode() != 0 ? 3 : 2, cdb.subpageCode() != 0 ? 7 : 5)));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int page : pages) {
            body.writeBytes(values(r.context(), page, cdb.pageControl(), r.device().writeCache()));
        }
        boolean longLba = cdb.has(CdbFlag.LLBAA); // MODE SENSE(10) only (SPC-4 6.12)
        byte[] descriptor = cdb.has(CdbFlag.DBD) ? new byte[0]
                : blockDescriptor(r.device().blockCount(), r.device().blockSize(), longLba);
        int at = header.length();
        byte[] b = new byte[at + descriptor.length + body.size()];
        // SBC-4 6.5.2 device-specific parameter: WP from SWP, DPOFUA supported
        int dsp = 0x10 | (ModePages.softwareWriteProtect(r.context()) ? 0x80 : 0);
        header.write(b, dsp, longLba && descriptor.length > 0, descriptor.length);
        System.arraycopy(descriptor, 0, b, at, descriptor.length);
        System.arraycopy(body.toByteArray(), 0, b, at + descriptor.length, body.size());
        return done(Outcome.data(b, cdb.allocationLength()));
    }

    /** SPC-4 6.11 PC: 00b current, 01b changeable mask, 10b default. */
    static byte[] values(ScsiContext ctx, int page, int pc, boolean writeCache) {
        return switch (pc) {
            case 1 -> ModePages.changeable(page, writeCache);
            case 2 -> ModePages.defaults(page, writeCache);
            default -> ModePages.current(ctx, page, writeCache);
        };
    }

    /** SBC-4 6.5.2: short (8-byte) or long LBA (16-byte) block descriptor. */
    static byte[] blockDescriptor(long blocks, int blockSize, boolean longLba) {
        if (longLba) {
            byte[] d = new byte[16];
            put64(d, 0, blocks);
            put32(d, 12, blockSize);
            return d;
        }
        byte[] d = new byte[8];
        put32(d, 0, Math.min(blocks, 0xFFFFFFFFL)); // FFFFFFFFh: too many to express
        d[5] = (byte) (blockSize >> 16);
        d[6] = (byte) (blockSize >> 8);
        d[7] = (byte) blockSize;
        return d;
    }

    private static CompletableFuture<Outcome> done(Outcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
