package io.cairn.iscsi.login;

import static io.cairn.iscsi.login.LoginFixtures.INITIATOR;
import static io.cairn.iscsi.login.LoginFixtures.TARGET;
import static io.cairn.iscsi.login.LoginFixtures.keys;
import static io.cairn.iscsi.login.LoginFixtures.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextExchangeTest {
    static final String OTHER = "iqn.2024-01.io.cairn:disk2";
    static final List<TargetRecord> TARGETS = List.of(
            new TargetRecord(TARGET, List.of("10.0.0.1:3260,7", "[fd00::1]:3260,7")),
            new TargetRecord(OTHER, List.of("10.0.0.2:3260,8")));

    private static SessionParams session(String type) {
        List<TextKey> k = LoginFixtures.libiscsiOperational(type);
        return new LoginNegotiator(LoginFixtures.open()).onRequest(req(true, 1, 3), k).params();
    }

    private static List<TextKey> answer(SessionParams s, String... pairs) {
        TextExchange.Response r = TextExchange.answer(s, keys(pairs), TARGETS);
        TextKeys.ParseResult parsed = TextKeys.parse(r.data());
        assertTrue(parsed.isOk(), "the response must be valid text, even with repeated TargetAddress");
        return parsed.keys();
    }

    /** Parses without the duplicate-key rule: SendTargets responses repeat TargetName/TargetAddress. */
    private static List<TextKey> raw(SessionParams s, String... pairs) {
        byte[] data = TextExchange.answer(s, keys(pairs), TARGETS).data();
        List<TextKey> out = new java.util.ArrayList<>();
        for (String p : new String(data, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
            int eq = p.indexOf('=');
            out.add(new TextKey(p.substring(0, eq), p.substring(eq + 1)));
        }
        return out;
    }

    @Test
    void sendTargetsAllInDiscoveryListsEveryTarget() {
        List<TextKey> r = raw(session("Discovery"), "SendTargets=All");
        assertEquals(List.of(new TextKey("TargetName", TARGET), new TextKey("TargetAddress", "10.0.0.1:3260,7"),
                new TextKey("TargetAddress", "[fd00::1]:3260,7"), new TextKey("TargetName", OTHER),
                new TextKey("TargetAddress", "10.0.0.2:3260,8")), r);
    }

    @Test
    void sendTargetsNamedInDiscoveryListsThatTargetOnly() {
        List<TextKey> r = raw(session("Discovery"), "SendTargets=" + OTHER);
        assertEquals(List.of(new TextKey("TargetName", OTHER), new TextKey("TargetAddress", "10.0.0.2:3260,8")), r);
        assertEquals(0, TextExchange.answer(session("Discovery"), keys("SendTargets=iqn.none"), TARGETS).data().length);
    }

    @Test
    void sendTargetsEmptyInDiscoveryIsRejected() {
        assertEquals(List.of(new TextKey("SendTargets", "Reject")), answer(session("Discovery"), "SendTargets="));
    }

    @Test
    void normalSessionSeesOnlyItsOwnTarget() {
        SessionParams s = session("Normal");
        List<TextKey> expected = List.of(new TextKey("TargetName", TARGET),
                new TextKey("TargetAddress", "10.0.0.1:3260,7"), new TextKey("TargetAddress", "[fd00::1]:3260,7"));
        assertEquals(expected, raw(s, "SendTargets="));
        assertEquals(expected, raw(s, "SendTargets=" + TARGET));
        assertEquals(expected, raw(s, "SendTargets=All"));
        assertEquals(0, TextExchange.answer(s, keys("SendTargets=" + OTHER), TARGETS).data().length);
    }

    @Test
    void maxRecvDataSegmentLengthMayBeRedeclared() {
        SessionParams s = session("Normal");
        TextExchange.Response r = TextExchange.answer(s, keys("MaxRecvDataSegmentLength=65536"), TARGETS);
        assertEquals(0, r.data().length, "declarations get no answer");
        assertEquals(65536, r.params().initiatorMaxRecvDataSegmentLength());
        assertEquals(s.targetMaxRecvDataSegmentLength(), r.params().targetMaxRecvDataSegmentLength());
        assertEquals(List.of(new TextKey("MaxRecvDataSegmentLength", "Reject")),
                answer(s, "MaxRecvDataSegmentLength=1"));
    }

    @Test
    void loginOnlyKeysAreRejectedAndUnknownNotUnderstood() {
        List<TextKey> r = answer(session("Normal"), "MaxBurstLength=4096", "X-com.example=1", "Bogus=2",
                "InitiatorName=" + INITIATOR, "X-late=NotUnderstood", "InitiatorAlias=new");
        assertEquals(List.of(new TextKey("MaxBurstLength", "Reject"), new TextKey("X-com.example", "NotUnderstood"),
                new TextKey("Bogus", "NotUnderstood"), new TextKey("InitiatorName", "Reject")), r);
    }
}
