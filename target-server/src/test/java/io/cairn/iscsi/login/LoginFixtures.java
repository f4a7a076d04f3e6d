package io.cairn.iscsi.login;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared test doubles: a fixed policy, request builders and key lookups. */
final class LoginFixtures {
    static final String TARGET = "iqn.2024-01.io.cairn:disk1";
    static final String INITIATOR = "iqn.1994-05.com.redhat:client1";
    static final byte[] ISID = {(byte) 0x80, 0x12, 0x34, 0x56, 0x00, 0x01};

    private LoginFixtures() {
    }

    /** A policy with one target, fixed auth for both target and discovery. */
    record FixedPolicy(AuthConfig targetAuth, AuthConfig discoveryAuth, TargetLimits limits, String alias)
            implements LoginPolicy {
        @Override
        public boolean targetExists(String targetName) {
            return TARGET.equals(targetName);
        }

        @Override
        public AuthConfig authFor(String targetName) {
            return targetName == null ? discoveryAuth : targetAuth;
        }

        @Override
        public int portalGroupTag() {
            return 7;
        }

        @Override
        public String targetAlias(String targetName) {
            return alias;
        }
    }

    static LoginPolicy open() {
        return new FixedPolicy(AuthConfig.none(), AuthConfig.none(), TargetLimits.defaults(), null);
    }

    static LoginPolicy withLimits(TargetLimits limits) {
        return new FixedPolicy(AuthConfig.none(), AuthConfig.none(), limits, null);
    }

    static LoginPolicy chap(AuthConfig auth) {
        return new FixedPolicy(auth, AuthConfig.none(), TargetLimits.defaults(), null);
    }

    /** A deterministic random source so challenges are reproducible. */
    static Chap seededChap() {
        SecureRandom r;
        try {
            r = SecureRandom.getInstance("SHA1PRNG");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        r.setSeed(42L);
        return new Chap(r);
    }

    static LoginRequestFields req(boolean transit, int csg, int nsg) {
        return new LoginRequestFields(transit, false, csg, nsg, 0, 0, ISID, 0, 1, 0x10L);
    }

    static List<TextKey> keys(String... pairs) {
        List<TextKey> out = new ArrayList<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            out.add(new TextKey(p.substring(0, eq), p.substring(eq + 1)));
        }
        return out;
    }

    static List<TextKey> plus(List<TextKey> a, String... pairs) {
        List<TextKey> out = new ArrayList<>(a);
        out.addAll(keys(pairs));
        return out;
    }

    /** The first value of a key in a reply, or null. */
    static String get(LoginReply reply, String key) {
        return get(reply.keys(), key);
    }

    static String get(List<TextKey> keys, String key) {
        for (TextKey k : keys) {
            if (k.key().equals(key)) {
                return k.value();
            }
        }
        return null;
    }

    static long count(List<TextKey> keys, String key) {
        return keys.stream().filter(k -> k.key().equals(key)).count();
    }

    /** What libiscsi (lib/login.c) sends in its single operational-stage request, no CHAP. */
    static List<TextKey> libiscsiOperational(String sessionType) {
        List<TextKey> k = new ArrayList<>(keys("InitiatorName=" + INITIATOR, "InitiatorAlias=client1"));
        if (sessionType.equals("Normal")) {
            k.add(new TextKey("TargetName", TARGET));
        }
        k.addAll(keys("SessionType=" + sessionType, "HeaderDigest=None,CRC32C", "DataDigest=None",
                "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=262144", "FirstBurstLength=262144",
                "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0",
                "IFMarker=No", "OFMarker=No", "MaxConnections=1", "MaxRecvDataSegmentLength=262144",
                "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes"));
        return k;
    }

    /** What open-iscsi sends in the operational stage of a Normal session. */
    static List<TextKey> openIscsiOperational() {
        return keys("HeaderDigest=None", "DataDigest=None", "DefaultTime2Wait=2", "DefaultTime2Retain=0",
                "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0", "InitialR2T=No", "ImmediateData=Yes",
                "MaxBurstLength=16776192", "FirstBurstLength=262144", "MaxOutstandingR2T=1",
                "MaxConnections=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
                "MaxRecvDataSegmentLength=262144");
    }

    static Map<String, String> asMap(List<TextKey> keys) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        keys.forEach(k -> m.put(k.key(), k.value()));
        return m;
    }
}
