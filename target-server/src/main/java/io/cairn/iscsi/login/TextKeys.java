package io.cairn.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Codec for the text data segment of Login and Text PDUs (RFC 7143 6.1): a sequence of
 * {@code key=value} pairs, each terminated by NUL, UTF-8 encoded.
 */
public final class TextKeys {
    /** RFC 7143 6.2: answer for a key the responder does not know. */
    public static final String NOT_UNDERSTOOD = "NotUnderstood";
    /** RFC 7143 6.2: answer for a value that is out of range or not acceptable. */
    public static final String REJECT = "Reject";
    /** RFC 7143 6.2: answer for a key made meaningless by other negotiated values. */
    public static final String IRRELEVANT = "Irrelevant";

    /** RFC 7143 6.1: key names are at most 63 bytes. */
    public static final int MAX_KEY_BYTES = 63;
    /** RFC 7143 6.1: values are at most 255 bytes unless the key's definition says otherwise. */
    public static final int MAX_VALUE_BYTES = 255;
    /** Binary CHAP values (RFC 7143 12.1.3: up to 1024 bytes, hex doubled) fit in this. */
    public static final int MAX_LONG_VALUE_BYTES = 8192;
    /** Bound on pairs per exchange so a hostile peer cannot make us allocate without limit. */
    public static final int MAX_KEYS = 256;

    private TextKeys() {
    }

    /** Either the parsed keys or the reason the segment is a protocol error. */
    public record ParseResult(List<TextKey> keys, String error) {
        static ParseResult ok(List<TextKey> keys) {
            return new ParseResult(List.copyOf(keys), null);
        }

        static ParseResult failed(String error) {
            return new ParseResult(List.of(), error);
        }

        public boolean isOk() {
            return error == null;
        }
    }

    /** Parses a whole (already joined) text data segment; never throws on bad input. */
    public static ParseResult parse(byte[] data) {
        List<TextKey> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        while (start < data.length) {
            int end = start;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (end == start) {
                // Consecutive NULs: tolerated as padding, they carry no pair.
                start++;
                continue;
            }
            if (end == data.length) {
                return ParseResult.failed("pair not terminated by NUL"); // RFC 7143 6.1
            }
            int eq = -1;
            for (int i = start; i < end; i++) {
                if (data[i] == '=') {
                    eq = i;
                    break;
                }
            }
            if (eq < 0) {
                return ParseResult.failed("missing '=' in pair");
            }
            int keyLen = eq - start;
            int valueLen = end - eq - 1;
            if (keyLen == 0) {
                return ParseResult.failed("empty key");
            }
            if (keyLen > MAX_KEY_BYTES) {
                return ParseResult.failed("key longer than 63 bytes"); // RFC 7143 6.1
            }
            String key;
            String value;
            try {
                key = utf8.decode(ByteBuffer.wrap(data, start, keyLen)).toString();
                value = utf8.decode(ByteBuffer.wrap(data, eq + 1, valueLen)).toString();
            } catch (CharacterCodingException e) {
                return ParseResult.failed("not UTF-8");
            }
            if (!validKeyName(key)) {
                return ParseResult.failed("invalid key name " + key);
            }
            if (valueLen > maxValueBytes(key)) {
                return ParseResult.failed("value of " + key + " too long"); // RFC 7143 6.1
            }
            if (!seen.add(key)) {
                // RFC 7143 6.2: a key may appear only once in one exchange direction.
                return ParseResult.failed("key " + key + " appears twice");
            }
            if (keys.size() == MAX_KEYS) {
                return ParseResult.failed("more than " + MAX_KEYS + " keys");
            }
            keys.add(new TextKey(key, value));
            start = end + 1;
        }
        return ParseResult.ok(keys);
    }

    /** Encodes pairs as {@code key=value\0} each, UTF-8. */
    public static byte[] encode(List<TextKey> keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TextKey k : keys) {
            out.writeBytes(k.key().getBytes(StandardCharsets.UTF_8));
            out.write('=');
            out.writeBytes(k.value().getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The longest value this key may carry, in bytes. */
    static int maxValueBytes(String key) {
        // RFC 7143 12.1.3: CHAP binary values may be far longer than 255 bytes once encoded.
        return key.equals("CHAP_C") || key.equals("CHAP_R") ? MAX_LONG_VALUE_BYTES : MAX_VALUE_BYTES;
    }

    /** RFC 7143 6.1: key names use letters, digits, '.', '-', '+', '@', '_' ('#' for X# keys). */
    private static boolean validKeyName(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '+' || c == '@' || c == '_' || c == '#';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
