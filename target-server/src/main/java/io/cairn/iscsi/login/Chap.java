package io.cairn.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * CHAP with MD5 (RFC 1994, RFC 7143 12.1.3): challenge generation and response computation
 * and verification. Stateless apart from the random source, which tests inject.
 */
public final class Chap {
    /** RFC 1994 / IANA PPP: CHAP_A value for MD5. */
    public static final int ALGORITHM_MD5 = 5;
    /** RFC 7143 12.1.3 wants challenges long enough to resist guessing; we send 16 bytes. */
    public static final int CHALLENGE_BYTES = 16;
    /** MD5 digest size: the only valid CHAP_R length. */
    public static final int RESPONSE_BYTES = 16;

    private final SecureRandom random;

    public Chap(SecureRandom random) {
        this.random = Objects.requireNonNull(random);
    }

    /** A challenge: CHAP_I (0..255) and CHAP_C. */
    public record Challenge(int id, byte[] value) {
        public Challenge {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** CHAP_C as sent on the wire, hex encoded. */
        public String encoded() {
            return TextValues.hex(value);
        }
    }

    public Challenge newChallenge() {
        byte[] c = new byte[CHALLENGE_BYTES];
        random.nextBytes(c);
        return new Challenge(random.nextInt(256), c);
    }

    /** RFC 1994 4.1: MD5 over identifier || secret || challenge. */
    public static byte[] response(int id, String secret, byte[] challenge) {
        MessageDigest md5 = md5();
        md5.update((byte) id);
        md5.update(secret.getBytes(StandardCharsets.UTF_8));
        md5.update(challenge);
        return md5.digest();
    }

    /** Constant-time check of a received CHAP_R against the expected one. */
    public static boolean verify(int id, String secret, byte[] challenge, byte[] received) {
        if (received == null || received.length != RESPONSE_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(response(id, secret, challenge), received);
    }

    /**
     * RFC 7143 12.1.3: picks MD5 from the initiator's CHAP_A list; null when the list lacks it
     * (the caller then answers CHAP_A=Reject).
     */
    public static String selectAlgorithm(String chapA) {
        for (String a : TextValues.list(chapA)) {
            if (a.equals(Integer.toString(ALGORITHM_MD5))) {
                return a;
            }
        }
        return null;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
