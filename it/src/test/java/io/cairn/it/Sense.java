package io.cairn.it;

/**
 * Sense key, ASC and ASCQ of fixed (70h/71h) or descriptor (72h/73h) sense data (SPC-4 4.5), as the
 * integration tests check them; -1s when there is none.
 */
record Sense(int key, int asc, int ascq) {
    static final Sense NONE = new Sense(-1, -1, -1);

    static Sense of(byte[] s) {
        if (s.length >= 4 && ((s[0] & 0x7f) == 0x72 || (s[0] & 0x7f) == 0x73)) {
            return new Sense(s[1] & 0x0f, s[2] & 0xff, s[3] & 0xff);
        }
        if (s.length >= 14) {
            return new Sense(s[2] & 0x0f, s[12] & 0xff, s[13] & 0xff);
        }
        return NONE;
    }

    static Sense of(RawIscsiSession.ScsiReply r) {
        return of(r.sense());
    }

    boolean is(int k, int a, int q) {
        return key == k && asc == a && ascq == q;
    }

    /** SAM-5: a pending unit attention, which an initiator takes and then retries its command. */
    boolean unitAttention() {
        return key == 0x6;
    }

    /** Status and sense of a reply, or its Reject, for assertion messages. */
    static String describe(RawIscsiSession.ScsiReply r) {
        if (r.reject() != null) {
            return "Reject " + r.reject();
        }
        return String.format("status 0x%02x", r.status()) + (r.sense().length > 0 ? " sense " + of(r) : "");
    }

    @Override
    public String toString() {
        return String.format("%x/%02x/%02x", key, asc, ascq);
    }
}
