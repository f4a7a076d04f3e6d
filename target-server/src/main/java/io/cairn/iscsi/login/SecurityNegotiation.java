package io.cairn.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security stage of one login (RFC 7143 6.3.1, 12.1.3): AuthMethod selection, then the
 * CHAP exchange across requests. Any deviation from the exchange is an authentication failure.
 */
final class SecurityNegotiation {
    static final Set<String> KEYS = Set.of("AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R");
    /** RFC 7143 12.1.3: a CHAP_C longer than 1024 bytes is a protocol error. */
    private static final int MAX_INITIATOR_CHALLENGE = 1024;

    private enum State { START, NONE_CHOSEN, CHAP_CHOSEN, CHALLENGED, AUTHENTICATED }

    private final AuthConfig auth;
    private final Chap chap;
    private State state = State.START;
    private Chap.Challenge challenge;
    private String chapUser;

    /** A failed step: the status and any key to send with it (e.g. CHAP_A=Reject). */
    record Failure(int status, List<TextKey> keys) {
    }

    SecurityNegotiation(AuthConfig auth, Chap chap) {
        this.auth = auth;
        this.chap = chap;
    }

    /**
     * Processes the security keys of one request, appending answers to {@code out}.
     * Returns null on success, or the failure to end the login with.
     */
    Failure process(List<TextKey> keys, List<TextKey> out) {
        Map<String, String> k = new HashMap<>();
        for (TextKey t : keys) {
            k.put(t.key(), t.value());
        }
        String method = k.get("AuthMethod");
        if (method != null) {
            if (state != State.START) {
                return fail(LoginStatus.INITIATOR_ERROR); // RFC 7143 6.3: no renegotiation
            }
            List<String> offered = TextValues.list(method);
            if (auth.chapRequired()) {
                if (!offered.contains("CHAP")) {
                    return fail(LoginStatus.AUTHENTICATION_FAILURE); // RFC 7143 12: CHAP required
                }
                state = State.CHAP_CHOSEN;
                out.add(new TextKey("AuthMethod", "CHAP"));
            } else if (offered.contains("None")) {
                state = State.NONE_CHOSEN;
                out.add(new TextKey("AuthMethod", "None"));
            } else if (offered.contains("CHAP") && auth.hasChapCredentials()) {
                state = State.CHAP_CHOSEN;
                out.add(new TextKey("AuthMethod", "CHAP"));
            } else {
                return new Failure(LoginStatus.AUTHENTICATION_FAILURE,
                        List.of(new TextKey("AuthMethod", TextKeys.REJECT)));
            }
        }
        String algorithms = k.get("CHAP_A");
        if (algorithms != null) {
            if (state != State.CHAP_CHOSEN) {
                return fail(LoginStatus.AUTHENTICATION_FAILURE);
            }
            String chosen = Chap.selectAlgorithm(algorithms);
            if (chosen == null) {
                // RFC 7143 12.1.3: no acceptable algorithm; we can authenticate no other way.
                return new Failure(LoginStatus.AUTHENTICATION_FAILURE,
                        List.of(new TextKey("CHAP_A", TextKeys.REJECT)));
            }
            challenge = chap.newChallenge();
            state = State.CHALLENGED;
            out.add(new TextKey("CHAP_A", chosen));
            out.add(new TextKey("CHAP_I", Integer.toString(challenge.id())));
            out.add(new TextKey("CHAP_C", challenge.encoded()));
        }
        boolean hasResponse = k.containsKey("CHAP_N") || k.containsKey("CHAP_R");
        boolean hasMutual = k.containsKey("CHAP_I") || k.containsKey("CHAP_C");
        if (hasResponse || hasMutual) {
            if (state != State.CHALLENGED || algorithms != null) {
                return fail(LoginStatus.AUTHENTICATION_FAILURE); // RFC 7143 12.1.3 order
            }
            Failure f = verifyResponse(k.get("CHAP_N"), k.get("CHAP_R"));
            if (f == null && hasMutual) {
                f = answerMutual(k.get("CHAP_I"), k.get("CHAP_C"), out);
            }
            if (f != null) {
                return f;
            }
            state = State.AUTHENTICATED;
        }
        return null;
    }

    private Failure verifyResponse(String name, String response) {
        if (name == null || response == null) {
            return fail(LoginStatus.AUTHENTICATION_FAILURE);
        }
        byte[] r = TextValues.binary(response);
        boolean nameOk = MessageDigest.isEqual(name.getBytes(StandardCharsets.UTF_8),
                auth.user().getBytes(StandardCharsets.UTF_8));
        boolean responseOk = Chap.verify(challenge.id(), auth.secret(), challenge.value(), r);
        if (!(nameOk & responseOk)) {
            return fail(LoginStatus.AUTHENTICATION_FAILURE);
        }
        chapUser = name;
        return null;
    }

    /** RFC 7143 12.1.3: the initiator authenticates the target with its own CHAP_I/CHAP_C. */
    private Failure answerMutual(String idValue, String challengeValue, List<TextKey> out) {
        if (idValue == null || challengeValue == null || !auth.hasMutual()) {
            return fail(LoginStatus.AUTHENTICATION_FAILURE);
        }
        long id = TextValues.numberInRange(idValue, 0, 255);
        byte[] c = TextValues.binary(challengeValue);
        if (id < 0 || c == null || c.length == 0 || c.length > MAX_INITIATOR_CHALLENGE) {
            return fail(LoginStatus.AUTHENTICATION_FAILURE);
        }
        if (Arrays.equals(c, challenge.value())) {
            // RFC 7143 12.1.3: a reflected challenge would let an attacker use us as an oracle.
            return fail(LoginStatus.AUTHENTICATION_FAILURE);
        }
        out.add(new TextKey("CHAP_N", auth.mutualUser()));
        out.add(new TextKey("CHAP_R", TextValues.hex(Chap.response((int) id, auth.mutualSecret(), c))));
        return null;
    }

    /** Whether the security stage may be left (RFC 7143 6.3.1). */
    boolean complete() {
        if (auth.chapRequired()) {
            return state == State.AUTHENTICATED;
        }
        return state != State.CHAP_CHOSEN && state != State.CHALLENGED;
    }

    /** Whether a CHAP exchange is under way, so a T=1 request is answered with T=0 rather than failed. */
    boolean inProgress() {
        return state == State.CHAP_CHOSEN || state == State.CHALLENGED;
    }

    String chapUser() {
        return chapUser;
    }

    private static Failure fail(int status) {
        return new Failure(status, List.of());
    }
}
