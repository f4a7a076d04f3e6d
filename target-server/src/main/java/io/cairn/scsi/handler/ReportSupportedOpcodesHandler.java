package io.cairn.scsi.handler;

import static io.cairn.scsi.BigEndian.put16;
import static io.cairn.scsi.BigEndian.put32;

import io.cairn.scsi.Sense;
import io.cairn.scsi.cdb.CdbFlag;
import io.cairn.scsi.handler.SupportedCommands.Command;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), read straight from the opcode table ({@link SupportedCommands}). */
public final class ReportSupportedOpcodesHandler implements CommandHandler {

    /** Recommended command timeout reported in the timeouts descriptor, seconds (SPC-4 6.35.4). */
    static final int RECOMMENDED_TIMEOUT = 30;

    @Override
    public CompletableFuture<Outcome> handle(Request r) {
        SupportedCommands commands = r.core().commands();
        boolean rctd = r.cdb().has(CdbFlag.RCTD);
        int opcode = r.cdb().requestedOpcode();
        int sa = r.cdb().requestedServiceAction();
        byte[] data;
        switch (r.cdb().reportingOptions()) {
            case 0 -> data = all(commands, rctd);
            case 1 -> {
                if (commands.hasServiceActions(opcode)) {
                    return invalid(2); // SPC-4 6.35.1: opcode has service actions, use 010b
                }
                data = one(commands.find(opcode, -1), rctd);
            }
            case 2 -> {
                if (!commands.hasServiceActions(opcode)) {
                    return invalid(2); // SPC-4 6.35.1: opcode has no service actions
                }
                data = one(commands.find(opcode, sa), rctd);
            }
            case 3 -> data = one(commands.find(opcode, commands.hasServiceActions(opcode) ? sa : -1), rctd);
            default -> {
                return invalid(2);
            }
        }
        return CompletableFuture.completedFuture(Outcome.data(data, r.cdb().allocationLength()));
    }

    private static CompletableFuture<Outcome> invalid(int field) {
        return CompletableFuture.completedFuture(Outcome.check(Sense.invalidCdbField(field, 2)));
    }

    /** SPC-4 6.35.2 all_commands parameter data. */
    static byte[] all(SupportedCommands commands, boolean rctd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Command e : commands.entries()) {
            byte[] d = new byte[8];
            d[0] = (byte) e.opcode();
            put16(d, 2, Math.max(0, e.serviceAction()));
            d[5] = (byte) ((rctd ? 0x02 : 0) | (e.hasServiceAction() ? 0x01 : 0)); // CTDP, SERVACTV
            put16(d, 6, e.cdbLength());
            out.writeBytes(d);
            if (rctd) {
                out.writeBytes(timeouts());
            }
        }
        byte[] body = out.toByteArray();
        byte[] b = new byte[4 + body.length];
        put32(b, 0, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    /** SPC-4 6.35.3 one_command parameter data; SUPPORT 001b when the command is not supported. */
    static byte[] one(Command e, boolean rctd) {
        if (e == null) {
            return new byte[] {0, 0x01, 0, 0};
        }
        int len = 4 + e.cdbLength() + (rctd ? 12 : 0);
        byte[] b = new byte[len];
        b[1] = (byte) ((rctd ? 0x80 : 0) | 0x03); // CTDP, SUPPORT 011b: supported as the standard says
        put16(b, 2, e.cdbLength());
        System.arraycopy(e.usage(), 0, b, 4, e.cdbLength());
        if (rctd) {
            System.arraycopy(timeouts(), 0, b, 4 + e.cdbLength(), 12);
        }
        return b;
    }

    /** SPC-4 6.35.4 command timeouts descriptor: no nominal time given, a recommended timeout. */
    private static byte[] timeouts() {
        byte[] t = new byte[12];
        put16(t, 0, 0x0A);
        put32(t, 8, RECOMMENDED_TIMEOUT);
        return t;
    }
}
