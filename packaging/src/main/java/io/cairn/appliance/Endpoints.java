package io.cairn.appliance;

import java.net.InetSocketAddress;

/** Parses {@code host:port} option values. */
final class Endpoints {
    private Endpoints() {}

    /** {@code host:port}, or null for "off". */
    static InetSocketAddress parseOrOff(String text, String option) {
        return "off".equals(text) ? null : parse(text, option);
    }

    static InetSocketAddress parse(String text, String option) {
        int i = text.lastIndexOf(':');
        if (i <= 0) {
            throw new IllegalArgumentException(option + " must be host:port: " + text);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be host:port: " + text);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " port must be 0..65535: " + text);
        }
        return new InetSocketAddress(text.substring(0, i), port);
    }
}
