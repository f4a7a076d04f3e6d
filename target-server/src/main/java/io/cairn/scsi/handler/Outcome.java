package io.cairn.scsi.handler;

import io.cairn.scsi.ScsiResult;
import io.cairn.scsi.Sense;
import io.cairn.scsi.SenseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What a handler answers: a status, the sense for CHECK CONDITION, and Data-In. The core turns it into
 * a {@link ScsiResult} (encoding the sense with the LUN's sense format).
 *
 * @param dataIn Data-In or null; ownership passes with the outcome to whoever consumes it
 */
public record Outcome(int status, Sense sense, ByteBuf dataIn) {

    public static Outcome good() {
        return new Outcome(ScsiResult.GOOD, null, null);
    }

    /** GOOD with {@code data} as Data-In; takes ownership of {@code data}. */
    public static Outcome good(ByteBuf data) {
        return new Outcome(ScsiResult.GOOD, null, data);
    }

    /** GOOD with the first {@code allocationLength} bytes of {@code data} (SPC-4 4.2.5.6: truncate, never fail). */
    public static Outcome data(byte[] data, int allocationLength) {
        int n = Math.min(data.length, allocationLength);
        return good(n == 0 ? null : Unpooled.wrappedBuffer(data, 0, n));
    }

    public static Outcome check(Sense sense) {
        return new Outcome(ScsiResult.CHECK_CONDITION, sense, null);
    }

    public static Outcome check(SenseReason reason) {
        return check(Sense.of(reason));
    }

    public static Outcome status(int status) {
        return new Outcome(status, null, null);
    }
}
