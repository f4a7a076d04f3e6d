package io.cairn.iscsi.login;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/** Value forms of RFC 7143 6.1: numbers, booleans, lists and binary constants. */
final class TextValues {
    private TextValues() {
    }

    /**
     * RFC 7143 6.1 numerical-value: a decimal constant, or a hex constant ({@code 0x}) for
     * large values. Empty when malformed or beyond 64 bits.
     */
    static OptionalLong number(String value) {
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                String digits = value.substring(2);
                if (digits.isEmpty() || digits.length() > 15) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(Long.parseLong(digits, 16));
            }
            if (value.isEmpty() || value.length() > 18) {
                return OptionalLong.empty();
            }
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                    return OptionalLong.empty();
                }
            }
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A number within [min, max], or -1 when malformed or out of range. */
    static long numberInRange(String value, long min, long max) {
        OptionalLong n = number(value);
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
            return -1;
        }
        return n.getAsLong();
    }

    /** RFC 7143 6.1 boolean-value: exactly "Yes" or "No"; null when neither. */
    static Boolean bool(String value) {
        if (value.equals("Yes")) {
            return Boolean.TRUE;
        }
        if (value.equals("No")) {
            return Boolean.FALSE;
        }
        return null;
    }

    static String bool(boolean value) {
        return value ? "Yes" : "No";
    }

    /** RFC 7143 6.1 list-of-values: comma separated, no empty members. */
    static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            out.add(s);
        }
        return out;
    }

    /**
     * RFC 7143 6.1 binary-value: {@code 0x} hex or {@code 0b} base64. Null when malformed
     * (including a hex string of odd length).
     */
    static byte[] binary(String value) {
        if (value.length() < 3) {
            return null;
        }
        String prefix = value.substring(0, 2);
        String body = value.substring(2);
        try {
            if (prefix.equals("0x") || prefix.equals("0X")) {
                if (body.length() % 2 != 0) {
                    return null;
                }
                return HexFormat.of().parseHex(body);
            }
            if (prefix.equals("0b") || prefix.equals("0B")) {
                return Base64.getDecoder().decode(body);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** Hex binary form with the {@code 0x} prefix, as initiators most widely parse it. */
    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
