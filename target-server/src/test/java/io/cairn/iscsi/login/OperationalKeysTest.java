package io.cairn.iscsi.login;

import static io.cairn.iscsi.login.LoginFixtures.INITIATOR;
import static io.cairn.iscsi.login.LoginFixtures.TARGET;
import static io.cairn.iscsi.login.LoginFixtures.get;
import static io.cairn.iscsi.login.LoginFixtures.keys;
import static io.cairn.iscsi.login.LoginFixtures.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7143 section 13 result functions, each through a one-request operational login. */
class OperationalKeysTest {

    static LoginReply opneg(LoginPolicy policy, String... pairs) {
        List<TextKey> k = new ArrayList<>(keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET));
        k.addAll(keys(pairs));
        return new LoginNegotiator(policy).onRequest(req(true, 1, 3), k);
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // list: first of the initiator's values we support (RFC 7143 13.1)
        "HeaderDigest|CRC32C,None|CRC32C",
        "HeaderDigest|None,CRC32C|None",
        "HeaderDigest|MD5,CRC32C|CRC32C",
        "HeaderDigest|MD5|Reject",
        "DataDigest|CRC32C|CRC32C",
        // minimum, we allow one connection (13.2)
        "MaxConnections|4|1",
        "MaxConnections|0|Reject",
        "MaxConnections|65536|Reject",
        // OR (13.10)
        "InitialR2T|Yes|Yes",
        "InitialR2T|No|No",
        "InitialR2T|maybe|Reject",
        // AND (13.11)
        "ImmediateData|Yes|Yes",
        "ImmediateData|No|No",
        "ImmediateData|yes|Reject",
        // minimum (13.13)
        "MaxBurstLength|4096|4096",
        "MaxBurstLength|0x1000|4096",
        "MaxBurstLength|16777215|1048576",
        "MaxBurstLength|511|Reject",
        "MaxBurstLength|16777216|Reject",
        "MaxBurstLength|12ab|Reject",
        "MaxBurstLength|-1|Reject",
        // minimum (13.14)
        "FirstBurstLength|1000000|262144",
        "FirstBurstLength|8192|8192",
        // maximum (13.15)
        "DefaultTime2Wait|0|2",
        "DefaultTime2Wait|10|10",
        "DefaultTime2Wait|3601|Reject",
        // minimum (13.16)
        "DefaultTime2Retain|0|0",
        "DefaultTime2Retain|60|20",
        // minimum (13.17)
        "MaxOutstandingR2T|64|16",
        "MaxOutstandingR2T|4|4",
        "MaxOutstandingR2T|0|Reject",
        // OR with our Yes (13.18, 13.19)
        "DataPDUInOrder|No|Yes",
        "DataSequenceInOrder|No|Yes",
        "DataSequenceInOrder|Yes|Yes",
        // minimum, we offer 0 (13.20)
        "ErrorRecoveryLevel|2|0",
        "ErrorRecoveryLevel|0|0",
        "ErrorRecoveryLevel|3|Reject",
        // obsolete markers: AND with No, intervals irrelevant (13.25)
        "OFMarker|Yes|No",
        "IFMarker|No|No",
        "OFMarkInt|2048~8192|Irrelevant",
        "IFMarkInt|2048~8192|Irrelevant",
        // 13.23
        "TaskReporting|ResponseFence,RFC3720|RFC3720",
        "TaskReporting|FastAbort|Reject",
        // RFC 7144: minimum, we are level 1
        "iSCSIProtocolLevel|2|1",
        "iSCSIProtocolLevel|0|0",
        "iSCSIProtocolLevel|32|Reject",
        // RFC 7143 6.2: unknown and extension keys
        "X-com.example.Feature|1|NotUnderstood",
        "X#example|1|NotUnderstood",
        "FooBar|1|NotUnderstood",
        // target-only or FFP-only keys from an initiator in login
        "TargetAlias|t|Reject",
        "TargetAddress|1.2.3.4:3260,1|Reject",
        "TargetPortalGroupTag|1|Reject",
        "SendTargets|All|Reject",
    })
    void resultFunction(String key, String value, String expected) {
        LoginReply r = opneg(LoginFixtures.open(), key + "=" + value);
        assertTrue(r.isSuccess());
        // The last occurrence: TargetPortalGroupTag is also declared by us first.
        String answer = null;
        for (TextKey k : r.keys()) {
            if (k.key().equals(key)) {
                answer = k.value();
            }
        }
        assertEquals(expected, answer);
    }

    @Test
    void rejectAndNotUnderstoodDoNotStopTheLogin() {
        LoginReply r = opneg(LoginFixtures.open(), "HeaderDigest=MD5", "X-foo=1", "MaxConnections=0");
        assertTrue(r.transit());
        assertNotNull(r.params());
        assertFalse(r.params().headerDigest());
        assertEquals(1, r.params().maxConnections());
    }

    @Test
    void smallMaxBurstWithoutFirstBurstMakesUsOfferFirstBurst() {
        // RFC 7143 13.14: FirstBurstLength (default 65536) may not exceed MaxBurstLength.
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r1 = n.onRequest(req(true, 1, 3),
                keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "MaxBurstLength=4096"));
        assertFalse(r1.transit());
        assertEquals("4096", get(r1, "FirstBurstLength"));
        LoginReply r2 = n.onRequest(req(true, 1, 3), keys("FirstBurstLength=4096"));
        assertTrue(r2.transit());
        assertEquals(4096, r2.params().firstBurstLength());
    }

    @Test
    void negotiatedValuesReachSessionParams() {
        LoginReply r = opneg(LoginFixtures.open(), "HeaderDigest=CRC32C", "DataDigest=CRC32C,None",
                "InitialR2T=No", "ImmediateData=No", "MaxBurstLength=65536", "FirstBurstLength=16384",
                "DefaultTime2Wait=5", "DefaultTime2Retain=10", "MaxOutstandingR2T=8",
                "MaxRecvDataSegmentLength=65536", "iSCSIProtocolLevel=1");
        SessionParams p = r.params();
        assertTrue(p.headerDigest());
        assertTrue(p.dataDigest());
        assertFalse(p.initialR2T());
        assertFalse(p.immediateData());
        assertEquals(65536, p.maxBurstLength());
        assertEquals(16384, p.firstBurstLength());
        assertEquals(5, p.defaultTime2Wait());
        assertEquals(10, p.defaultTime2Retain());
        assertEquals(8, p.maxOutstandingR2T());
        assertEquals(65536, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(262144, p.targetMaxRecvDataSegmentLength());
        assertEquals(0, p.errorRecoveryLevel());
        assertEquals(1, p.maxConnections());
    }

    @Test
    void defaultsApplyWhenNothingNegotiated() {
        SessionParams p = opneg(LoginFixtures.open()).params();
        assertFalse(p.headerDigest());
        assertFalse(p.dataDigest());
        assertTrue(p.initialR2T());
        assertTrue(p.immediateData());
        assertEquals(262144, p.maxBurstLength());
        assertEquals(65536, p.firstBurstLength());
        assertEquals(2, p.defaultTime2Wait());
        assertEquals(20, p.defaultTime2Retain());
        assertEquals(1, p.maxOutstandingR2T());
        assertEquals(8192, p.initiatorMaxRecvDataSegmentLength());
        assertEquals(SessionType.NORMAL, p.sessionType());
    }

    @Test
    void maxRecvDataSegmentLengthIsDeclaredBothWays() {
        LoginReply r = opneg(LoginFixtures.open(), "MaxRecvDataSegmentLength=131072");
        // Our own declaration, not an echo of theirs.
        assertEquals("262144", get(r, "MaxRecvDataSegmentLength"));
        assertEquals(1, LoginFixtures.count(r.keys(), "MaxRecvDataSegmentLength"));
        assertEquals(131072, r.params().initiatorMaxRecvDataSegmentLength());
        assertEquals("Reject", get(opneg(LoginFixtures.open(), "MaxRecvDataSegmentLength=100"), "MaxRecvDataSegmentLength"));
    }

    @Test
    void firstBurstNeverAboveMaxBurstEvenWhenSentFirst() {
        LoginReply r = opneg(LoginFixtures.open(), "FirstBurstLength=65536", "MaxBurstLength=16384");
        assertEquals("16384", get(r, "FirstBurstLength"));
        assertEquals("16384", get(r, "MaxBurstLength"));
        assertEquals(16384, r.params().firstBurstLength());
        // The answers stay in the initiator's order.
        assertEquals("FirstBurstLength", r.keys().get(1).key());
    }

    @Test
    void firstBurstIrrelevantWithInitialR2TAndNoImmediateData() {
        LoginReply r = opneg(LoginFixtures.open(), "FirstBurstLength=65536", "InitialR2T=Yes", "ImmediateData=No");
        assertEquals("Irrelevant", get(r, "FirstBurstLength"));
    }

    @Test
    void targetLimitsDriveAndAndOr() {
        TargetLimits strict = new TargetLimits(65536, 1_048_576, 262_144, 16, false, true, 1, 0);
        LoginReply r = opneg(LoginFixtures.withLimits(strict), "ImmediateData=Yes", "InitialR2T=No");
        assertEquals("No", get(r, "ImmediateData"));
        assertEquals("Yes", get(r, "InitialR2T"));
        assertEquals("65536", get(r, "MaxRecvDataSegmentLength"));
        assertFalse(r.params().immediateData());
        assertTrue(r.params().initialR2T());
        assertEquals(65536, r.params().targetMaxRecvDataSegmentLength());
    }

    @Test
    void answersToNothingAreNotAnswered() {
        LoginReply r = opneg(LoginFixtures.open(), "X-vendor=NotUnderstood", "MaxBurstLength=Irrelevant");
        assertNull(get(r, "X-vendor"));
        assertNull(get(r, "MaxBurstLength"));
        assertTrue(r.isSuccess());
    }

    @Test
    void targetOffersLimitsBelowDefaultsAndWaitsForTheAnswer() {
        TargetLimits small = new TargetLimits(262_144, 65_536, 32_768, 16, false, false, 1, 0);
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.withLimits(small));
        LoginReply r1 = n.onRequest(req(true, 1, 3),
                keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "InitialR2T=No"));
        assertTrue(r1.isSuccess());
        assertFalse(r1.transit(), "may not transit while our offers are unanswered");
        assertEquals("65536", get(r1, "MaxBurstLength"));
        assertEquals("32768", get(r1, "FirstBurstLength"));
        assertEquals("No", get(r1, "ImmediateData"));
        assertNull(r1.params());

        LoginReply r2 = n.onRequest(req(true, 1, 3),
                keys("MaxBurstLength=65536", "FirstBurstLength=16384", "ImmediateData=No"));
        assertTrue(r2.transit());
        assertTrue(r2.keys().isEmpty(), "answers to our offers are not answered again: " + r2.keys());
        assertEquals(65536, r2.params().maxBurstLength());
        assertEquals(16384, r2.params().firstBurstLength());
        assertFalse(r2.params().immediateData());
    }

    @Test
    void answerAboveOurOfferIsInitiatorError() {
        TargetLimits small = new TargetLimits(262_144, 65_536, 65_536, 16, true, false, 1, 0);
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.withLimits(small));
        n.onRequest(req(true, 1, 3), keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET));
        LoginReply r = n.onRequest(req(true, 1, 3), keys("MaxBurstLength=262144"));
        assertEquals(LoginStatus.INITIATOR_ERROR, r.status());
        assertNull(r.params());
        assertTrue(r.closeConnection());
    }

    @Test
    void noOfferWhenInitiatorAlreadyNegotiatedTheKey() {
        TargetLimits small = new TargetLimits(262_144, 65_536, 65_536, 16, true, false, 1, 0);
        LoginReply r = opneg(LoginFixtures.withLimits(small), "MaxBurstLength=262144");
        assertEquals("65536", get(r, "MaxBurstLength"));
        assertTrue(r.transit());
        assertEquals(65536, r.params().maxBurstLength());
    }

    @Test
    void renegotiatingAKeyWithAnotherValueIsInitiatorError() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        LoginReply r1 = n.onRequest(req(false, 1, 3),
                keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "MaxBurstLength=4096"));
        assertEquals("4096", get(r1, "MaxBurstLength"));
        assertFalse(r1.transit());
        LoginReply r2 = n.onRequest(req(true, 1, 3), keys("MaxBurstLength=8192"));
        assertEquals(LoginStatus.INITIATOR_ERROR, r2.status());
    }

    @Test
    void repeatingAKeyWithTheSameValueGetsTheSameAnswer() {
        LoginNegotiator n = new LoginNegotiator(LoginFixtures.open());
        n.onRequest(req(false, 1, 3), keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "MaxBurstLength=4096", "FirstBurstLength=4096"));
        LoginReply r2 = n.onRequest(req(true, 1, 3), keys("MaxBurstLength=4096"));
        assertEquals("4096", get(r2, "MaxBurstLength"));
        assertEquals(4096, r2.params().maxBurstLength());
    }
}
