package io.cairn.iscsi.login;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The login phase of one connection (RFC 7143 6.3, 11.12, 11.13), as pure logic: each Login
 * Request (its C-bit continuations already joined) goes in, the Login Response to send comes
 * out. Stages run security (0) to operational (1) to full feature (3); ErrorRecoveryLevel 0,
 * one connection per session. Once it has completed or failed it refuses every request.
 */
public final class LoginNegotiator {
    static final int SECURITY = 0;
    static final int OPERATIONAL = 1;
    static final int FULL_FEATURE = 3;

    /** Declarations made only by the initiator, in the first request (RFC 7143 13.4-13.6, 13.21). */
    private static final Set<String> LEADING_KEYS = Set.of("SessionType", "InitiatorName", "TargetName",
            "InitiatorAlias");

    private final LoginPolicy policy;
    private final Chap chap;
    private final TargetLimits limits;

    private boolean finished;
    private boolean started;
    private int stage;
    private byte[] isid;
    private long isidValue;
    private int tsih;
    private int cid;
    private long itt;
    private SessionType sessionType;
    private String initiatorName;
    private String initiatorAlias;
    private String targetName;
    private String targetAlias;
    private SecurityNegotiation security;
    private OperationalNegotiation operational;
    private boolean declaredRecvLength;

    public LoginNegotiator(LoginPolicy policy) {
        this(policy, new Chap(new SecureRandom()));
    }

    public LoginNegotiator(LoginPolicy policy, Chap chap) {
        this.policy = Objects.requireNonNull(policy);
        this.chap = Objects.requireNonNull(chap);
        this.limits = policy.limits();
    }

    /** True once login completed or failed; every further request is refused. */
    public boolean isFinished() {
        return finished;
    }

    public LoginReply onRequest(LoginRequestFields req, List<TextKey> keys) {
        if (finished) {
            return LoginReply.failure(LoginStatus.INVALID_DURING_LOGIN, req.csg());
        }
        LoginReply reply = step(req, keys);
        if (!reply.isSuccess() || reply.params() != null) {
            finished = true;
        }
        return reply;
    }

    private LoginReply step(LoginRequestFields req, List<TextKey> keys) {
        if (req.versionMin() > 0) {
            return fail(LoginStatus.UNSUPPORTED_VERSION, req); // RFC 7143 11.12.4: we speak version 0
        }
        if (req.transit() && req.cont()) {
            return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 11.12.2: T and C exclusive
        }
        if (hasDuplicates(keys)) {
            return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 6.2
        }
        List<TextKey> out = new ArrayList<>();
        if (!started) {
            LoginReply refused = leadingRequest(req, keys, out);
            if (refused != null) {
                return refused;
            }
        } else {
            if (!Arrays.equals(isid, req.isid()) || tsih != req.tsih() || cid != req.cid()
                    || itt != req.initiatorTaskTag()) {
                return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 11.12: fixed for the login
            }
            if (req.csg() != stage) {
                return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 6.3: stays until we transit
            }
            if (!sameLeadingValues(keys)) {
                return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 6.3: no redeclaration
            }
        }
        if (req.transit() && !validNextStage(req.csg(), req.nsg())) {
            return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 11.12.3
        }

        List<TextKey> securityKeys = new ArrayList<>();
        List<TextKey> operationalKeys = new ArrayList<>();
        for (TextKey k : keys) {
            if (LEADING_KEYS.contains(k.key())) {
                continue;
            }
            (SecurityNegotiation.KEYS.contains(k.key()) ? securityKeys : operationalKeys).add(k);
        }
        if (!securityKeys.isEmpty()) {
            if (stage != SECURITY) {
                // RFC 7143 6.3.1: security keys belong to the security stage only.
                return fail(LoginStatus.INVALID_DURING_LOGIN, req);
            }
            SecurityNegotiation.Failure f = security.process(securityKeys, out);
            if (f != null) {
                return LoginReply.failure(f.status(), req.csg(), f.keys());
            }
        }
        int status = operational.negotiate(operationalKeys, out);
        if (status != LoginStatus.SUCCESS) {
            return fail(status, req);
        }
        if (stage == OPERATIONAL) {
            declareRecvLength(out);
        }
        return decideTransit(req, out);
    }

    /** The first request fixes the session identity and who is logging in to what. */
    private LoginReply leadingRequest(LoginRequestFields req, List<TextKey> keys, List<TextKey> out) {
        started = true;
        isid = req.isid();
        isidValue = req.isidValue();
        tsih = req.tsih();
        cid = req.cid();
        itt = req.initiatorTaskTag();
        if (req.csg() != SECURITY && req.csg() != OPERATIONAL) {
            return fail(LoginStatus.INITIATOR_ERROR, req); // RFC 7143 11.12.3
        }
        if (tsih != 0) {
            // RFC 7143 11.12.6: a non-zero TSIH adds a connection to an existing session; with
            // MaxConnections=1 there is never one to join.
            return fail(LoginStatus.SESSION_DOES_NOT_EXIST, req);
        }
        stage = req.csg();
        String type = value(keys, "SessionType");
        sessionType = type == null ? SessionType.NORMAL : SessionType.fromWire(type); // RFC 7143 13.21
        if (sessionType == null) {
            return fail(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, req);
        }
        initiatorName = value(keys, "InitiatorName");
        initiatorAlias = value(keys, "InitiatorAlias");
        if (initiatorName == null || initiatorName.isEmpty()) {
            return fail(LoginStatus.MISSING_PARAMETER, req); // RFC 7143 13.5: first request must carry it
        }
        AuthConfig auth;
        if (sessionType == SessionType.NORMAL) {
            targetName = value(keys, "TargetName");
            if (targetName == null || targetName.isEmpty()) {
                return fail(LoginStatus.MISSING_PARAMETER, req); // RFC 7143 13.4
            }
            if (!policy.targetExists(targetName)) {
                return fail(LoginStatus.NOT_FOUND, req);
            }
            auth = policy.authFor(targetName);
            targetAlias = policy.targetAlias(targetName);
        } else {
            auth = policy.authFor(null);
        }
        if (auth == null) {
            auth = AuthConfig.none();
        }
        if (auth.chapRequired() && req.csg() != SECURITY) {
            return fail(LoginStatus.AUTHENTICATION_FAILURE, req); // RFC 7143 6.3: cannot skip security
        }
        security = new SecurityNegotiation(auth, chap);
        operational = new OperationalNegotiation(limits, sessionType);
        if (sessionType == SessionType.NORMAL) {
            // RFC 7143 13.9: the first response of a Normal session carries TargetPortalGroupTag.
            out.add(new TextKey("TargetPortalGroupTag", Integer.toString(policy.portalGroupTag())));
            if (targetAlias != null) {
                out.add(new TextKey("TargetAlias", targetAlias));
            }
        }
        return null;
    }

    /** Leading keys repeated later (libiscsi resends them in the operational stage) must not change. */
    private boolean sameLeadingValues(List<TextKey> keys) {
        for (TextKey k : keys) {
            String was = switch (k.key()) {
                case "SessionType" -> sessionType.wireName();
                case "InitiatorName" -> initiatorName;
                case "TargetName" -> sessionType == SessionType.NORMAL ? targetName : k.value();
                case "InitiatorAlias" -> initiatorAlias;
                default -> k.value();
            };
            if (!k.value().equals(was)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validNextStage(int csg, int nsg) {
        return (nsg == OPERATIONAL || nsg == FULL_FEATURE) && nsg > csg;
    }

    private void declareRecvLength(List<TextKey> out) {
        if (!declaredRecvLength) {
            // RFC 7143 13.12: each side declares what it can receive.
            out.add(new TextKey("MaxRecvDataSegmentLength", Integer.toString(limits.maxRecvDataSegmentLength())));
            declaredRecvLength = true;
        }
    }

    /** RFC 7143 6.3, 11.13.3: T only when the initiator asked and we agree; NSG echoes. */
    private LoginReply decideTransit(LoginRequestFields req, List<TextKey> out) {
        if (!req.transit()) {
            return reply(false, req, out, null);
        }
        if (stage == SECURITY && !security.complete()) {
            if (security.inProgress()) {
                return reply(false, req, out, null); // CHAP continues in the next request
            }
            return fail(LoginStatus.AUTHENTICATION_FAILURE, req);
        }
        if (req.nsg() == FULL_FEATURE) {
            List<TextKey> offers = operational.requiredOffers();
            if (!offers.isEmpty() || operational.hasPendingOffers()) {
                out.addAll(offers);
                declareRecvLength(out);
                return reply(false, req, out, null); // wait for the initiator's answers
            }
            declareRecvLength(out);
            stage = FULL_FEATURE;
            return reply(true, req, out, sessionParams());
        }
        stage = req.nsg();
        return reply(true, req, out, null);
    }

    private SessionParams sessionParams() {
        OperationalNegotiation o = operational;
        return new SessionParams(sessionType, initiatorName, initiatorAlias,
                sessionType == SessionType.NORMAL ? targetName : null, targetAlias,
                policy.portalGroupTag(), isidValue, cid, security.chapUser(),
                o.headerDigest, o.dataDigest, o.maxConnections, o.initialR2T, o.immediateData,
                o.maxBurstLength, o.effectiveFirstBurstLength(), o.defaultTime2Wait, o.defaultTime2Retain,
                o.maxOutstandingR2T, o.dataPDUInOrder, o.dataSequenceInOrder, o.errorRecoveryLevel,
                o.initiatorMaxRecvDataSegmentLength, limits.maxRecvDataSegmentLength(), o.protocolLevel);
    }

    private static LoginReply reply(boolean transit, LoginRequestFields req, List<TextKey> out, SessionParams p) {
        return new LoginReply(0, 0, transit, req.csg(), req.nsg(), out, p, false);
    }

    private static LoginReply fail(int status, LoginRequestFields req) {
        return LoginReply.failure(status, req.csg());
    }

    private static boolean hasDuplicates(List<TextKey> keys) {
        Set<String> seen = new HashSet<>();
        for (TextKey k : keys) {
            if (!seen.add(k.key())) {
                return true;
            }
        }
        return false;
    }

    private static String value(List<TextKey> keys, String key) {
        for (TextKey k : keys) {
            if (k.key().equals(key)) {
                return k.value();
            }
        }
        return null;
    }
}
