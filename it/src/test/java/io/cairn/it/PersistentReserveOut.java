package io.cairn.it;

import java.nio.ByteBuffer;

/** PERSISTENT RESERVE OUT (SPC-4 6.16): the CDB and its 24-byte basic parameter list, as {cdb, parameters}. */
final class PersistentReserveOut {
    static final int REGISTER = 0x00;
    static final int RESERVE = 0x01;
    static final int RELEASE = 0x02;
    static final int CLEAR = 0x03;
    static final int PREEMPT_AND_ABORT = 0x05;
    static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;

    private PersistentReserveOut() {}

    static byte[][] register(long key) {
        return of(REGISTER, 0, 0, key, false);
    }

    static byte[][] reserve(long key, int type) {
        return of(RESERVE, type, key, 0, false);
    }

    static byte[][] release(long key, int type) {
        return of(RELEASE, type, key, 0, false);
    }

    static byte[][] clear(long key) {
        return of(CLEAR, 0, key, 0, false);
    }

    static byte[][] preemptAndAbort(long key, long preempted, int type) {
        return of(PREEMPT_AND_ABORT, type, key, preempted, false);
    }

    /** Scope LU_SCOPE (0); APTPL is byte 20 bit 0 of the parameter list. */
    static byte[][] of(int serviceAction, int type, long key, long serviceActionKey, boolean aptpl) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5f;
        cdb[1] = (byte) serviceAction;
        cdb[2] = (byte) (type & 0x0f);
        ByteBuffer.wrap(cdb).putInt(5, 24);
        byte[] params = new byte[24];
        ByteBuffer.wrap(params).putLong(0, key).putLong(8, serviceActionKey);
        params[20] = (byte) (aptpl ? 1 : 0);
        return new byte[][] {cdb, params};
    }
}
