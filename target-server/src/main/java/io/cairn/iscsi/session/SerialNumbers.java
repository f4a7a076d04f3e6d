package io.cairn.iscsi.session;

/** 32-bit serial number arithmetic (RFC 1982 as RFC 7143 4.2.2.1 requires for CmdSN and StatSN). */
public final class SerialNumbers {
    private SerialNumbers() {}

    /** s1 < s2 in serial arithmetic. */
    public static boolean lessThan(int s1, int s2) {
        return s1 != s2 && (s2 - s1) > 0;
    }

    /** s1 <= s2 in serial arithmetic. */
    public static boolean atMost(int s1, int s2) {
        return s1 == s2 || lessThan(s1, s2);
    }
}
