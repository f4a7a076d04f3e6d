package io.cairn.scsi.pr;

import java.nio.ByteBuffer;

/**
 * The basic PERSISTENT RESERVE OUT parameter list (SPC-4 6.16.3, Table 217), 24 bytes, used by
 * every service action except REGISTER AND MOVE.
 *
 * @param reservationKey      RESERVATION KEY: the key registered for the I_T nexus sending the command
 * @param serviceActionKey    SERVICE ACTION RESERVATION KEY: the new key, or the key to preempt
 * @param specifyInitiatorPorts SPEC_I_PT
 * @param allTargetPorts      ALL_TG_PT
 * @param aptpl               APTPL: activate persist through power loss
 */
public record PrOutParameters(long reservationKey, long serviceActionKey, boolean specifyInitiatorPorts,
                              boolean allTargetPorts, boolean aptpl) {

    public static final int LENGTH = 24;

    /** Decodes the first 24 bytes of {@code list}; the caller has checked that there are at least 24. */
    public static PrOutParameters decode(byte[] list) {
        ByteBuffer b = ByteBuffer.wrap(list);
        int flags = list[20];
        return new PrOutParameters(b.getLong(0), b.getLong(8), (flags & 0x08) != 0, (flags & 0x04) != 0,
                (flags & 0x01) != 0);
    }
}
