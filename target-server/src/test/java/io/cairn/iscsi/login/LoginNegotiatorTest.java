package io.cairn.iscsi.login;

import static io.cairn.iscsi.login.LoginFixtures.INITIATOR;
import static io.cairn.iscsi.login.LoginFixtures.ISID;
import static io.cairn.iscsi.login.LoginFixtures.TARGET;
import static io.cairn.iscsi.login.LoginFixtures.get;
import static io.cairn.iscsi.login.LoginFixtures.keys;
import static io.cairn.iscsi.login.LoginFixtures.plus;
import static io.cairn.iscsi.login.LoginFixtures.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole login sequences as real initiators send them (libiscsi lib/login.c, open-iscsi). */
class LoginNegotiatorTest {
    static final String USER = "initiator-user";
    static final String SECRET = "initiator-secret-1";
    static final String MUTUAL_USER = "target-user";
    static final String MUTUAL_SECRET = "target-secret-22";

    private static void assertFailed(LoginReply r, int status) {
        assertEquals(status, r.status());
        assertFalse(r.isSuccess());
        assertNull(r.params());
        assertTrue(r.closeConnection());
        assertFalse(r.transit());
    }

    private static List<TextKey> leading(String authMethod) {
        return keys("InitiatorName=" + INITIATOR, "InitiatorAlias=client1", "TargetName=" + TARGET,
                "SessionType=Normal", "AuthMethod=" + authMethod);
    }

    @Test
    void libiscsiWithoutAuthLogsInWithOneOperationalRequest() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r = n.onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Normal"));
        assertTrue(r.isSuccess());
        assertTrue(r.transit());
        assertEquals(1, r.csg());
        assertEquals(3, r.nsg());
        assertFalse(r.closeConnection());
        assertEquals("7", get(r, "TargetPortalGroupTag"));
        assertEquals("262144", get(r, "MaxRecvDataSegmentLength"));
        assertEquals("None", get(r, "HeaderDigest"));
        assertEquals("No", get(r, "InitialR2T"));
        assertEquals("Yes", get(r, "ImmediateData"));
        assertNull(get(r, "InitiatorName"), "declarations are not answered");
        SessionParams p = r.params();
        assertNotNull(p);
        assertEquals(INITIATOR, p.initiatorName());
        assertEquals("client1", p.initiatorAlias());
        assertEquals(TARGET, p.targetName());
        assertEquals(7, p.targetPortalGroupTag());
        assertEquals(0x801234560001L, p.isid());
        assertEquals(262144, p.firstBurstLength());
        assertEquals(0, p.defaultTime2Retain());
        assertNull(p.chapUser());
        assertTrue(n.isFinished());
    }

    @Test
    void openIscsiWithoutAuthGoesThroughSecurityThenOperational() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r1 = n.onRequest(req(true, 0, 1), leading("None"));
        assertTrue(r1.transit());
        assertEquals(0, r1.csg());
        assertEquals(1, r1.nsg());
        assertEquals("None", get(r1, "AuthMethod"));
        assertEquals("7", get(r1, "TargetPortalGroupTag"));
        assertNull(r1.params());

        LoginReply r2 = n.onRequest(req(true, 1, 3), LoginFixtures.openIscsiOperational());
        assertTrue(r2.transit());
        assertNull(get(r2, "TargetPortalGroupTag"), "only in the first response");
        assertEquals("1048576", get(r2, "MaxBurstLength"));
        SessionParams p = r2.params();
        assertEquals(1_048_576, p.maxBurstLength());
        assertEquals(262_144, p.firstBurstLength());
        assertFalse(p.initialR2T());
        assertTrue(p.immediateData());
        assertEquals(262_144, p.initiatorMaxRecvDataSegmentLength());
    }

    @Test
    void libiscsiOffersChapButTargetNeedsNoneSoNoneIsChosen() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r1 = n.onRequest(req(true, 0, 1), leading("CHAP,None"));
        assertEquals("None", get(r1, "AuthMethod"));
        assertTrue(r1.transit());
    }

    @Test
    void securityStageMayTransitStraightToFullFeature() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r = n.onRequest(req(true, 0, 3), leading("None"));
        assertTrue(r.transit());
        assertEquals(3, r.nsg());
        assertEquals("262144", get(r, "MaxRecvDataSegmentLength"), "declared before entering FFP");
        assertNotNull(r.params());
    }

    @Test
    void operationalStageWithoutTransitWaits() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r1 = n.onRequest(req(false, 1, 3), keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "HeaderDigest=CRC32C"));
        assertFalse(r1.transit());
        assertEquals("262144", get(r1, "MaxRecvDataSegmentLength"));
        LoginReply r2 = n.onRequest(req(true, 1, 3), keys("DataDigest=None"));
        assertTrue(r2.transit());
        assertNull(get(r2, "MaxRecvDataSegmentLength"), "declared once");
        assertTrue(r2.params().headerDigest());
    }

    /** Runs CHAP up to the challenge, returning it as (id, challenge bytes). */
    private static Object[] challenge(LoginNegotiator n) {
        LoginReply r1 = n.onRequest(req(true, 0, 1), leading("CHAP,None"));
        assertTrue(r1.isSuccess());
        assertFalse(r1.transit(), "no transit before CHAP is done");
        assertEquals("CHAP", get(r1, "AuthMethod"));
        LoginReply r2 = n.onRequest(req(false, 0, 1), keys("CHAP_A=5"));
        assertTrue(r2.isSuccess());
        assertEquals("5", get(r2, "CHAP_A"));
        int id = Integer.parseInt(get(r2, "CHAP_I"));
        String c = get(r2, "CHAP_C");
        assertTrue(c.startsWith("0x"));
        byte[] challenge = HexFormat.of().parseHex(c.substring(2));
        assertTrue(challenge.length >= 16);
        return new Object[] {id, challenge};
    }

    private static String hexResponse(int id, String secret, byte[] challenge) throws Exception {
        return "0x" + HexFormat.of().formatHex(ChapTest.md5(id, secret, challenge));
    }

    @Test
    void oneWayChapThenOperational() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        LoginReply r3 = n.onRequest(req(true, 0, 1),
                keys("CHAP_N=" + USER, "CHAP_R=" + hexResponse((int) ch[0], SECRET, (byte[]) ch[1])));
        assertTrue(r3.isSuccess());
        assertTrue(r3.transit());
        assertEquals(1, r3.nsg());
        assertTrue(r3.keys().isEmpty(), "one-way CHAP: nothing to answer");
        // libiscsi sends its leading keys again in the operational stage.
        LoginReply r4 = n.onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Normal"));
        assertTrue(r4.transit());
        assertEquals(USER, r4.params().chapUser());
    }

    @Test
    void chapResponseInBase64IsAccepted() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        String b64 = "0b" + Base64.getEncoder().encodeToString(ChapTest.md5((int) ch[0], SECRET, (byte[]) ch[1]));
        LoginReply r = n.onRequest(req(true, 0, 3), keys("CHAP_N=" + USER, "CHAP_R=" + b64));
        assertTrue(r.transit());
        assertNotNull(r.params());
    }

    @Test
    void mutualChapAnswersTheInitiatorsChallenge() throws Exception {
        LoginNegotiator n = new LoginNegotiator(
                LoginFixtures.chap(AuthConfig.mutualChap(USER, SECRET, MUTUAL_USER, MUTUAL_SECRET)),
                LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        byte[] mine = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0011223344556677");
        LoginReply r = n.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER,
                "CHAP_R=" + hexResponse((int) ch[0], SECRET, (byte[]) ch[1]),
                "CHAP_I=77", "CHAP_C=0x" + HexFormat.of().formatHex(mine)));
        assertTrue(r.isSuccess());
        assertTrue(r.transit());
        assertEquals(MUTUAL_USER, get(r, "CHAP_N"));
        assertEquals(hexResponse(77, MUTUAL_SECRET, mine), get(r, "CHAP_R"));
    }

    @Test
    void mutualChapRequestedButNotConfiguredFails() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        LoginReply r = n.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER,
                "CHAP_R=" + hexResponse((int) ch[0], SECRET, (byte[]) ch[1]), "CHAP_I=1", "CHAP_C=0x0102030405060708"));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void reflectedChallengeIsRejected() throws Exception {
        LoginNegotiator n = new LoginNegotiator(
                LoginFixtures.chap(AuthConfig.mutualChap(USER, SECRET, MUTUAL_USER, MUTUAL_SECRET)),
                LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        LoginReply r = n.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER,
                "CHAP_R=" + hexResponse((int) ch[0], SECRET, (byte[]) ch[1]),
                "CHAP_I=" + ch[0], "CHAP_C=0x" + HexFormat.of().formatHex((byte[]) ch[1])));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
        assertNull(get(r, "CHAP_R"), "never answer a reflected challenge");
    }

    @Test
    void wrongSecretFailsAndNoSessionFollows() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        LoginReply r = n.onRequest(req(true, 0, 1),
                keys("CHAP_N=" + USER, "CHAP_R=" + hexResponse((int) ch[0], "wrong-secret-xx", (byte[]) ch[1])));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
        assertTrue(n.isFinished());
        LoginReply after = n.onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Normal"));
        assertFailed(after, LoginStatus.INVALID_DURING_LOGIN);
    }

    @Test
    void wrongUserFails() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        Object[] ch = challenge(n);
        LoginReply r = n.onRequest(req(true, 0, 1),
                keys("CHAP_N=someone-else", "CHAP_R=" + hexResponse((int) ch[0], SECRET, (byte[]) ch[1])));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void malformedOrMissingChapResponseFails() throws Exception {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        challenge(n);
        assertFailed(n.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER, "CHAP_R=0xabc")),
                LoginStatus.AUTHENTICATION_FAILURE);

        LoginNegotiator m = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        challenge(m);
        assertFailed(m.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER)), LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void transitRequestedMidChapIsAnsweredWithoutTransit() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        challenge(n);
        LoginReply r = n.onRequest(req(true, 0, 1), keys());
        assertTrue(r.isSuccess());
        assertFalse(r.transit());
    }

    @Test
    void chapAlgorithmWithoutMd5IsRejected() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        n.onRequest(req(true, 0, 1), leading("CHAP"));
        LoginReply r = n.onRequest(req(false, 0, 1), keys("CHAP_A=7,6"));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
        assertEquals("Reject", get(r, "CHAP_A"));
    }

    @Test
    void chapAlgorithmListWithMd5Chooses5() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)), LoginFixtures.seededChap());
        n.onRequest(req(true, 0, 1), leading("CHAP"));
        assertEquals("5", get(n.onRequest(req(false, 0, 1), keys("CHAP_A=7,6,5")), "CHAP_A"));
    }

    @Test
    void chapRequiredRefusesNoneOnlyAndSkippingSecurity() {
        LoginPolicy p = LoginFixtures.chap(AuthConfig.chap(USER, SECRET));
        assertFailed(new LoginNegotiator(p).onRequest(req(true, 0, 1), leading("None")),
                LoginStatus.AUTHENTICATION_FAILURE);
        assertFailed(new LoginNegotiator(p).onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Normal")),
                LoginStatus.AUTHENTICATION_FAILURE);
        // Leaving the security stage without any AuthMethod at all.
        assertFailed(new LoginNegotiator(p).onRequest(req(true, 0, 1),
                keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET)), LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void chapResponseBeforeChallengeFails() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.chap(AuthConfig.chap(USER, SECRET)));
        n.onRequest(req(true, 0, 1), leading("CHAP"));
        assertFailed(n.onRequest(req(true, 0, 1), keys("CHAP_N=" + USER, "CHAP_R=0x00")),
                LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void securityKeysInOperationalStageAreInvalid() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r = n.onRequest(req(true, 1, 3), plus(LoginFixtures.libiscsiOperational("Normal"), "AuthMethod=None"));
        assertFailed(r, LoginStatus.INVALID_DURING_LOGIN);
    }

    @Test
    void discoverySessionLikeLibiscsi() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r = n.onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Discovery"));
        assertTrue(r.transit());
        assertNull(get(r, "TargetPortalGroupTag"));
        assertEquals("Irrelevant", get(r, "InitialR2T"));
        assertEquals("Irrelevant", get(r, "MaxBurstLength"));
        assertEquals("Irrelevant", get(r, "MaxConnections"));
        assertEquals("None", get(r, "HeaderDigest"));
        assertEquals("262144", get(r, "MaxRecvDataSegmentLength"));
        assertTrue(r.params().isDiscovery());
        assertNull(r.params().targetName());
        assertEquals(262144, r.params().initiatorMaxRecvDataSegmentLength());
    }

    @Test
    void discoveryUsesThePortalsAuth() {
        LoginPolicy p = new LoginFixtures.FixedPolicy(AuthConfig.none(), AuthConfig.chap(USER, SECRET),
                TargetLimits.defaults(), null);
        LoginReply r = new LoginNegotiator(p).onRequest(req(true, 0, 1),
                keys("InitiatorName=" + INITIATOR, "SessionType=Discovery", "AuthMethod=None"));
        assertFailed(r, LoginStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void targetAliasIsDeclaredWhenConfigured() {
        LoginPolicy p = new LoginFixtures.FixedPolicy(AuthConfig.none(), AuthConfig.none(), TargetLimits.defaults(), "disk one");
        LoginReply r = new LoginNegotiator(p).onRequest(req(true, 0, 1), leading("None"));
        assertEquals("disk one", get(r, "TargetAlias"));
    }

    @Test
    void unknownTargetIsNotFound() {
        LoginReply r = new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 1),
                keys("InitiatorName=" + INITIATOR, "TargetName=iqn.2024-01.io.cairn:nope", "AuthMethod=None"));
        assertFailed(r, LoginStatus.NOT_FOUND);
    }

    @Test
    void missingNamesAreMissingParameters() {
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 1),
                keys("TargetName=" + TARGET, "AuthMethod=None")), LoginStatus.MISSING_PARAMETER);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 1),
                keys("InitiatorName=" + INITIATOR, "AuthMethod=None")), LoginStatus.MISSING_PARAMETER);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 1),
                keys("InitiatorName=", "TargetName=" + TARGET)), LoginStatus.MISSING_PARAMETER);
    }

    @Test
    void unknownSessionTypeIsNotSupported() {
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 1),
                keys("InitiatorName=" + INITIATOR, "SessionType=Weird")), LoginStatus.SESSION_TYPE_NOT_SUPPORTED);
    }

    @Test
    void versionAboveZeroIsUnsupported() {
        LoginRequestFields v1 = new LoginRequestFields(true, false, 1, 3, 1, 1, ISID, 0, 1, 0x10L);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(v1, LoginFixtures.libiscsiOperational("Normal")),
                LoginStatus.UNSUPPORTED_VERSION);
    }

    @Test
    void nonZeroTsihHasNoSessionToJoin() {
        LoginRequestFields join = new LoginRequestFields(true, false, 1, 3, 0, 0, ISID, 5, 2, 0x10L);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(join, LoginFixtures.libiscsiOperational("Normal")),
                LoginStatus.SESSION_DOES_NOT_EXIST);
    }

    @Test
    void headerFieldsMustStayFixedDuringLogin() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        n.onRequest(req(true, 0, 1), leading("None"));
        byte[] other = ISID.clone();
        other[5] = 9;
        assertFailed(n.onRequest(new LoginRequestFields(true, false, 1, 3, 0, 0, other, 0, 1, 0x10L), keys()),
                LoginStatus.INITIATOR_ERROR);

        LoginNegotiator m = new LoginNegotiator(LoginFixtures.open());
        m.onRequest(req(true, 0, 1), leading("None"));
        assertFailed(m.onRequest(new LoginRequestFields(true, false, 1, 3, 0, 0, ISID, 0, 1, 0x11L), keys()),
                LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void stageMustMatchWhereWeAre() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        n.onRequest(req(false, 0, 1), leading("None")); // no transit: still security
        assertFailed(n.onRequest(req(true, 1, 3), keys()), LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void invalidStageFieldsAreInitiatorErrors() {
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 1, 1),
                LoginFixtures.libiscsiOperational("Normal")), LoginStatus.INITIATOR_ERROR);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 0, 2), leading("None")),
                LoginStatus.INITIATOR_ERROR);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 3, 3), leading("None")),
                LoginStatus.INITIATOR_ERROR);
        LoginRequestFields tc = new LoginRequestFields(true, true, 0, 1, 0, 0, ISID, 0, 1, 0x10L);
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(tc, leading("None")),
                LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void changedLeadingKeyIsInitiatorError() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        n.onRequest(req(true, 0, 1), leading("None"));
        assertFailed(n.onRequest(req(true, 1, 3), keys("TargetName=iqn.2024-01.io.cairn:other")),
                LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void duplicateKeysInOneRequestAreInitiatorError() {
        assertFailed(new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 1, 3),
                plus(LoginFixtures.libiscsiOperational("Normal"), "MaxBurstLength=512")), LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void completedLoginRefusesFurtherRequests() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        assertNotNull(n.onRequest(req(true, 1, 3), LoginFixtures.libiscsiOperational("Normal")).params());
        assertFailed(n.onRequest(req(true, 1, 3), keys()), LoginStatus.INVALID_DURING_LOGIN);
    }
}
