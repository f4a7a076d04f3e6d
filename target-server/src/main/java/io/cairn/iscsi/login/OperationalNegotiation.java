package io.cairn.iscsi.login;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Operational parameter negotiation of one login (RFC 7143 6.2, 13): each key's result
 * function, NotUnderstood/Reject/Irrelevant answers, and the offers the target itself must
 * make when its limits are below the RFC defaults.
 */
final class OperationalNegotiation {
    private static final long MAX_DATA_LENGTH = 16_777_215; // 2^24-1, RFC 7143 13.12-13.14
    private static final int TARGET_TIME2WAIT = SessionParams.DEFAULT_TIME2WAIT;
    private static final int TARGET_TIME2RETAIN = SessionParams.DEFAULT_TIME2RETAIN;
    private static final int TARGET_PROTOCOL_LEVEL = 1; // RFC 7144: RFC 7143 is level 1

    /** RFC 7143 13: keys whose definition says "Irrelevant when SessionType=Discovery". */
    private static final Set<String> IRRELEVANT_FOR_DISCOVERY = Set.of("MaxConnections", "InitialR2T",
            "ImmediateData", "MaxBurstLength", "FirstBurstLength", "MaxOutstandingR2T", "DataPDUInOrder",
            "DataSequenceInOrder", "TaskReporting", "iSCSIProtocolLevel");
    /** Keys only the target sends, or only valid in full feature phase: Reject from an initiator in login. */
    private static final Set<String> NOT_FROM_INITIATOR = Set.of("TargetAlias", "TargetAddress",
            "TargetPortalGroupTag", "SendTargets");

    private final TargetLimits limits;
    private final SessionType sessionType;

    boolean headerDigest;
    boolean dataDigest;
    int maxConnections = SessionParams.DEFAULT_MAX_CONNECTIONS;
    boolean initialR2T = SessionParams.DEFAULT_INITIAL_R2T;
    boolean immediateData = SessionParams.DEFAULT_IMMEDIATE_DATA;
    int maxBurstLength = SessionParams.DEFAULT_MAX_BURST_LENGTH;
    int firstBurstLength = SessionParams.DEFAULT_FIRST_BURST_LENGTH;
    int defaultTime2Wait = SessionParams.DEFAULT_TIME2WAIT;
    int defaultTime2Retain = SessionParams.DEFAULT_TIME2RETAIN;
    int maxOutstandingR2T = SessionParams.DEFAULT_MAX_OUTSTANDING_R2T;
    boolean dataPDUInOrder = true;
    boolean dataSequenceInOrder = true;
    int errorRecoveryLevel;
    int initiatorMaxRecvDataSegmentLength = SessionParams.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH;
    int protocolLevel = SessionParams.DEFAULT_PROTOCOL_LEVEL;

    /** What the initiator proposed per key, to catch renegotiation (RFC 7143 6.3). */
    private final Map<String, String> proposed = new HashMap<>();
    /** Keys the target offered and awaits the initiator's answer to, with the offered value. */
    private final Map<String, Long> offered = new LinkedHashMap<>();
    private final Set<String> settled = new HashSet<>();

    OperationalNegotiation(TargetLimits limits, SessionType sessionType) {
        this.limits = limits;
        this.sessionType = sessionType;
    }

    /**
     * Negotiates the keys of one request, appending answers to {@code out} in request order.
     * Returns {@link LoginStatus#SUCCESS} or the status that ends the login.
     */
    int negotiate(List<TextKey> keys, List<TextKey> out) {
        String[] answers = new String[keys.size()];
        // FirstBurstLength last: RFC 7143 13.14 makes it depend on InitialR2T, ImmediateData
        // and MaxBurstLength, which may arrive in the same request after it.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < keys.size(); i++) {
                TextKey k = keys.get(i);
                if ((pass == 1) != k.key().equals("FirstBurstLength")) {
                    continue;
                }
                if (offered.containsKey(k.key())) {
                    int status = acceptAnswer(k.key(), k.value());
                    if (status != LoginStatus.SUCCESS) {
                        return status;
                    }
                    continue;
                }
                if (isAnswerValue(k.value())) {
                    continue; // an answer to nothing we offered; answering it would loop
                }
                String before = proposed.putIfAbsent(k.key(), k.value());
                if (before != null && !before.equals(k.value())) {
                    return LoginStatus.INITIATOR_ERROR; // RFC 7143 6.3: renegotiation in login
                }
                answers[i] = answer(k.key(), k.value());
            }
        }
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] != null) {
                out.add(new TextKey(keys.get(i).key(), answers[i]));
            }
        }
        return LoginStatus.SUCCESS;
    }

    /** The answer to one initiator proposal, or null for declarations that need none. */
    private String answer(String key, String value) {
        if (sessionType == SessionType.DISCOVERY && IRRELEVANT_FOR_DISCOVERY.contains(key)) {
            return TextKeys.IRRELEVANT;
        }
        if (NOT_FROM_INITIATOR.contains(key)) {
            return TextKeys.REJECT;
        }
        switch (key) {
            case "HeaderDigest", "DataDigest" -> { // RFC 7143 13.1: list, first we support
                String chosen = null;
                for (String d : TextValues.list(value)) {
                    if (d.equals("CRC32C") || d.equals("None")) {
                        chosen = d;
                        break;
                    }
                }
                if (chosen == null) {
                    return TextKeys.REJECT;
                }
                if (key.equals("HeaderDigest")) {
                    headerDigest = chosen.equals("CRC32C");
                } else {
                    dataDigest = chosen.equals("CRC32C");
                }
                return settle(key, chosen);
            }
            case "MaxConnections" -> { // RFC 7143 13.2: minimum
                long v = TextValues.numberInRange(value, 1, 65_535);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                maxConnections = (int) Math.min(v, limits.maxConnections());
                return settle(key, Integer.toString(maxConnections));
            }
            case "InitialR2T" -> { // RFC 7143 13.10: OR
                Boolean v = TextValues.bool(value);
                if (v == null) {
                    return TextKeys.REJECT;
                }
                initialR2T = v || limits.initialR2T();
                return settle(key, TextValues.bool(initialR2T));
            }
            case "ImmediateData" -> { // RFC 7143 13.11: AND
                Boolean v = TextValues.bool(value);
                if (v == null) {
                    return TextKeys.REJECT;
                }
                immediateData = v && limits.supportsImmediateData();
                return settle(key, TextValues.bool(immediateData));
            }
            case "MaxRecvDataSegmentLength" -> { // RFC 7143 13.12: declarative
                long v = TextValues.numberInRange(value, 512, MAX_DATA_LENGTH);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                initiatorMaxRecvDataSegmentLength = (int) v;
                settled.add(key);
                return null;
            }
            case "MaxBurstLength" -> { // RFC 7143 13.13: minimum
                long v = TextValues.numberInRange(value, 512, MAX_DATA_LENGTH);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                maxBurstLength = (int) Math.min(v, limits.maxBurstLength());
                return settle(key, Integer.toString(maxBurstLength));
            }
            case "FirstBurstLength" -> { // RFC 7143 13.14: minimum, never above MaxBurstLength
                if (firstBurstIrrelevant()) {
                    return TextKeys.IRRELEVANT;
                }
                long v = TextValues.numberInRange(value, 512, MAX_DATA_LENGTH);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                firstBurstLength = (int) Math.min(v, Math.min(limits.firstBurstLength(), maxBurstLength));
                return settle(key, Integer.toString(firstBurstLength));
            }
            case "DefaultTime2Wait" -> { // RFC 7143 13.15: maximum
                long v = TextValues.numberInRange(value, 0, 3600);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                defaultTime2Wait = (int) Math.max(v, TARGET_TIME2WAIT);
                return settle(key, Integer.toString(defaultTime2Wait));
            }
            case "DefaultTime2Retain" -> { // RFC 7143 13.16: minimum
                long v = TextValues.numberInRange(value, 0, 3600);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                defaultTime2Retain = (int) Math.min(v, TARGET_TIME2RETAIN);
                return settle(key, Integer.toString(defaultTime2Retain));
            }
            case "MaxOutstandingR2T" -> { // RFC 7143 13.17: minimum
                long v = TextValues.numberInRange(value, 1, 65_535);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                maxOutstandingR2T = (int) Math.min(v, limits.maxOutstandingR2T());
                return settle(key, Integer.toString(maxOutstandingR2T));
            }
            case "DataPDUInOrder", "DataSequenceInOrder" -> { // RFC 7143 13.18/13.19: OR, we say Yes
                if (TextValues.bool(value) == null) {
                    return TextKeys.REJECT;
                }
                return settle(key, "Yes");
            }
            case "ErrorRecoveryLevel" -> { // RFC 7143 13.20: minimum
                long v = TextValues.numberInRange(value, 0, 2);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                errorRecoveryLevel = (int) Math.min(v, limits.errorRecoveryLevel());
                return settle(key, Integer.toString(errorRecoveryLevel));
            }
            case "OFMarker", "IFMarker" -> { // RFC 7143 13.25 (obsolete): AND, we say No
                if (TextValues.bool(value) == null) {
                    return TextKeys.REJECT;
                }
                return settle(key, "No");
            }
            case "OFMarkInt", "IFMarkInt" -> { // RFC 7143 13.25: irrelevant, markers are No
                return TextKeys.IRRELEVANT;
            }
            case "TaskReporting" -> { // RFC 7143 13.23: we implement only RFC3720 semantics
                return TextValues.list(value).contains("RFC3720") ? settle(key, "RFC3720") : TextKeys.REJECT;
            }
            case "iSCSIProtocolLevel" -> { // RFC 7143 13.24, RFC 7144: minimum
                long v = TextValues.numberInRange(value, 0, 31);
                if (v < 0) {
                    return TextKeys.REJECT;
                }
                protocolLevel = (int) Math.min(v, TARGET_PROTOCOL_LEVEL);
                return settle(key, Integer.toString(protocolLevel));
            }
            default -> {
                // RFC 7143 6.2: X-, X# and every other key we do not know.
                return TextKeys.NOT_UNDERSTOOD;
            }
        }
    }

    private String settle(String key, String value) {
        settled.add(key);
        return value;
    }

    /** RFC 7143 13.14: FirstBurstLength is irrelevant when InitialR2T=Yes and ImmediateData=No. */
    private boolean firstBurstIrrelevant() {
        return initialR2T && !immediateData;
    }

    private static boolean isAnswerValue(String value) {
        return value.equals(TextKeys.NOT_UNDERSTOOD) || value.equals(TextKeys.REJECT)
                || value.equals(TextKeys.IRRELEVANT);
    }

    /**
     * Offers the target must make itself before leaving operational negotiation: values whose
     * RFC default exceeds our limits and that the initiator has not negotiated (RFC 7143 6.2:
     * the default would otherwise stand). Registers them as awaiting an answer.
     */
    List<TextKey> requiredOffers() {
        List<TextKey> out = new ArrayList<>();
        if (sessionType != SessionType.NORMAL) {
            return out;
        }
        if (!limits.supportsImmediateData() && !settled.contains("ImmediateData") && immediateData) {
            offer("ImmediateData", 0, "No", out);
        }
        if (limits.maxBurstLength() < maxBurstLength && !settled.contains("MaxBurstLength")) {
            offer("MaxBurstLength", limits.maxBurstLength(), Integer.toString(limits.maxBurstLength()), out);
        }
        long maxBurst = offered.containsKey("MaxBurstLength") ? offered.get("MaxBurstLength") : maxBurstLength;
        long firstCap = Math.min(limits.firstBurstLength(), maxBurst);
        boolean willBeIrrelevant = initialR2T && (!immediateData || offered.containsKey("ImmediateData"));
        if (!willBeIrrelevant && firstBurstLength > firstCap && !settled.contains("FirstBurstLength")) {
            offer("FirstBurstLength", firstCap, Long.toString(firstCap), out);
        }
        return out;
    }

    private void offer(String key, long value, String wire, List<TextKey> out) {
        if (!offered.containsKey(key)) {
            offered.put(key, value);
            out.add(new TextKey(key, wire));
        }
    }

    boolean hasPendingOffers() {
        return !offered.isEmpty();
    }

    /** The initiator's answer to one of our offers (RFC 7143 6.2); it gets no reply. */
    private int acceptAnswer(String key, String value) {
        long mine = offered.remove(key);
        settled.add(key);
        switch (key) {
            case "ImmediateData" -> {
                if (TextValues.bool(value) == null) {
                    return LoginStatus.INITIATOR_ERROR;
                }
                immediateData = false; // AND with our No
            }
            case "MaxBurstLength", "FirstBurstLength" -> {
                if (key.equals("FirstBurstLength") && value.equals(TextKeys.IRRELEVANT)) {
                    return LoginStatus.SUCCESS;
                }
                long v = TextValues.numberInRange(value, 512, mine);
                if (v < 0) {
                    return LoginStatus.INITIATOR_ERROR; // a minimum above our offer breaks our limit
                }
                if (key.equals("MaxBurstLength")) {
                    maxBurstLength = (int) v;
                } else {
                    firstBurstLength = (int) v;
                }
            }
            default -> {
                return LoginStatus.INITIATOR_ERROR;
            }
        }
        return LoginStatus.SUCCESS;
    }

    /** FirstBurstLength in effect: never above MaxBurstLength (RFC 7143 13.14). */
    int effectiveFirstBurstLength() {
        return Math.min(firstBurstLength, maxBurstLength);
    }
}
