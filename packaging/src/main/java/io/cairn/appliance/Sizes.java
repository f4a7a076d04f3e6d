package io.cairn.appliance;

import java.util.Locale;

/** Parses sizes such as 512, 64K, 64M, 1G, 2T (binary multiples). */
final class Sizes {
    private Sizes() {}

    static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long multiplier = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> multiplier = 1L << 10;
                case 'M' -> multiplier = 1L << 20;
                case 'G' -> multiplier = 1L << 30;
                case 'T' -> multiplier = 1L << 40;
                default -> multiplier = 1;
            }
            if (multiplier != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            long value = Long.parseLong(s.trim());
            if (value <= 0) {
                throw new IllegalArgumentException("size must be positive: " + text);
            }
            return Math.multiplyExact(value, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 512, 64M, 1G)");
        }
    }
}
