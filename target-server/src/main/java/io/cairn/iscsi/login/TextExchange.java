package io.cairn.iscsi.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Full-feature-phase Text Request negotiation (RFC 7143 11.10, 6.2, Appendix C): SendTargets
 * discovery and declarations a session may make again after login. Pure logic: joined request
 * keys in, the whole response data out (the caller splits it over PDUs with the C bit).
 */
public final class TextExchange {
    private TextExchange() {
    }

    /**
     * The answer to one Text Request.
     *
     * @param data the encoded response text data segment
     * @param params the session's parameters after this exchange (changed only by a declared
     *     MaxRecvDataSegmentLength)
     */
    public record Response(byte[] data, SessionParams params) {
        public Response {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /**
     * Answers the keys of one Text Request in session {@code session}; {@code targets} are the
     * targets this initiator may see through this portal.
     */
    public static Response answer(SessionParams session, List<TextKey> keys, List<TargetRecord> targets) {
        Objects.requireNonNull(session);
        List<TextKey> out = new ArrayList<>();
        SessionParams params = session;
        for (TextKey k : keys) {
            String key = k.key();
            String value = k.value();
            if (isAnswerValue(value)) {
                continue; // never answer an answer
            }
            switch (key) {
                case "SendTargets" -> sendTargets(session, value, targets, out);
                case "MaxRecvDataSegmentLength" -> {
                    // RFC 7143 13.12: declarative, may be redeclared in FFP of a Normal session.
                    long v = TextValues.numberInRange(value, 512, 16_777_215);
                    if (v < 0) {
                        out.add(new TextKey(key, TextKeys.REJECT));
                    } else {
                        params = params.withInitiatorMaxRecvDataSegmentLength((int) v);
                    }
                }
                case "InitiatorAlias" -> {
                    // RFC 7143 13.6: declarative, allowed in any phase; nothing to answer.
                }
                default -> out.add(new TextKey(key, answerOther(key)));
            }
        }
        return new Response(TextKeys.encode(out), params);
    }

    /** RFC 7143 Appendix C: which targets a SendTargets value asks for, in which session type. */
    private static void sendTargets(SessionParams session, String value, List<TargetRecord> targets,
            List<TextKey> out) {
        if (session.isDiscovery()) {
            if (value.equals("All")) {
                for (TargetRecord t : targets) {
                    describe(t, out);
                }
            } else if (value.isEmpty()) {
                // Appendix C: the empty value means "this session's target", which a Discovery session has none of.
                out.add(new TextKey("SendTargets", TextKeys.REJECT));
            } else {
                for (TargetRecord t : targets) {
                    if (t.name().equals(value)) {
                        describe(t, out);
                    }
                }
            }
            return;
        }
        // Appendix C: in a Normal session only the session's own target is reported, whether
        // named, left empty or asked for with All.
        if (value.isEmpty() || value.equals("All") || value.equals(session.targetName())) {
            for (TargetRecord t : targets) {
                if (t.name().equals(session.targetName())) {
                    describe(t, out);
                }
            }
        }
    }

    private static void describe(TargetRecord t, List<TextKey> out) {
        out.add(new TextKey("TargetName", t.name()));
        for (String a : t.addresses()) {
            out.add(new TextKey("TargetAddress", a));
        }
    }

    private static String answerOther(String key) {
        return switch (key) {
            // RFC 7143 13: LO (leading/login-only) keys may not be negotiated in full feature phase.
            case "HeaderDigest", "DataDigest", "MaxConnections", "InitialR2T", "ImmediateData",
                    "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait", "DefaultTime2Retain",
                    "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel",
                    "SessionType", "InitiatorName", "TargetName", "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C",
                    "CHAP_N", "CHAP_R", "OFMarker", "IFMarker", "OFMarkInt", "IFMarkInt", "TaskReporting",
                    "iSCSIProtocolLevel", "TargetAlias", "TargetAddress", "TargetPortalGroupTag" -> TextKeys.REJECT;
            default -> TextKeys.NOT_UNDERSTOOD; // RFC 7143 6.2
        };
    }

    private static boolean isAnswerValue(String value) {
        return value.equals(TextKeys.NOT_UNDERSTOOD) || value.equals(TextKeys.REJECT)
                || value.equals(TextKeys.IRRELEVANT);
    }
}
