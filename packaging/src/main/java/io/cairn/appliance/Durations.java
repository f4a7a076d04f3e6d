package io.cairn.appliance;

import java.time.Duration;

/** Parses durations such as 500ms, 4s, 2m. */
final class Durations {
    private Durations() {}

    static Duration parse(String text, String option) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is not a duration: '" + text + "' (examples: 500ms, 4s, 2m)");
        }
    }
}
