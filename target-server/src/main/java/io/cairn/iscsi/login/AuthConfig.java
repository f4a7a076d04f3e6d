package io.cairn.iscsi.login;

/**
 * CHAP settings for one target (or the discovery portal), RFC 7143 12.1.3.
 *
 * @param chapRequired whether the initiator must authenticate with CHAP
 * @param user the CHAP_N the initiator must present
 * @param secret the secret the initiator's CHAP_R is computed with
 * @param mutualUser the CHAP_N we present when the initiator asks for mutual CHAP; null if none
 * @param mutualSecret the secret we answer the initiator's challenge with; null if none
 */
public record AuthConfig(boolean chapRequired, String user, String secret, String mutualUser, String mutualSecret) {

    public AuthConfig {
        if (chapRequired && (user == null || secret == null)) {
            throw new IllegalArgumentException("CHAP required but no user/secret");
        }
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("mutual CHAP needs both user and secret");
        }
    }

    /** No authentication. */
    public static AuthConfig none() {
        return new AuthConfig(false, null, null, null, null);
    }

    /** One-way CHAP: the initiator proves it knows {@code secret}. */
    public static AuthConfig chap(String user, String secret) {
        return new AuthConfig(true, user, secret, null, null);
    }

    /** CHAP with the target also able to prove itself to the initiator. */
    public static AuthConfig mutualChap(String user, String secret, String mutualUser, String mutualSecret) {
        return new AuthConfig(true, user, secret, mutualUser, mutualSecret);
    }

    boolean hasChapCredentials() {
        return user != null && secret != null;
    }

    boolean hasMutual() {
        return mutualUser != null;
    }
}
