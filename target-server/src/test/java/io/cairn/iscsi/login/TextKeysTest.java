package io.cairn.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextKeysTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesPairsInOrder() {
        TextKeys.ParseResult r = TextKeys.parse(bytes("InitiatorName=iqn.x\0SessionType=Normal\0AuthMethod=CHAP,None\0"));
        assertTrue(r.isOk());
        assertEquals(List.of(new TextKey("InitiatorName", "iqn.x"), new TextKey("SessionType", "Normal"),
                new TextKey("AuthMethod", "CHAP,None")), r.keys());
    }

    @Test
    void valueMayContainEqualsAndBeEmpty() {
        TextKeys.ParseResult r = TextKeys.parse(bytes("CHAP_R=0bAAE=\0SendTargets=\0"));
        assertTrue(r.isOk());
        assertEquals("0bAAE=", r.keys().get(0).value());
        assertEquals("", r.keys().get(1).value());
    }

    @Test
    void toleratesPaddingNulsAndEmptySegment() {
        assertTrue(TextKeys.parse(new byte[0]).keys().isEmpty());
        TextKeys.ParseResult r = TextKeys.parse(bytes("A=1\0\0\0\0"));
        assertTrue(r.isOk());
        assertEquals(1, r.keys().size());
    }

    @Test
    void utf8Values() {
        TextKeys.ParseResult r = TextKeys.parse(bytes("InitiatorAlias=höst\0"));
        assertEquals("höst", r.keys().get(0).value());
        assertFalse(TextKeys.parse(new byte[] {'A', '=', (byte) 0xC3, 0}).isOk());
    }

    @Test
    void missingEqualsIsError() {
        assertFalse(TextKeys.parse(bytes("InitiatorName\0")).isOk());
    }

    @Test
    void emptyKeyIsError() {
        assertFalse(TextKeys.parse(bytes("=value\0")).isOk());
    }

    @Test
    void unterminatedPairIsError() {
        assertFalse(TextKeys.parse(bytes("A=1\0B=2")).isOk());
    }

    @Test
    void badKeyCharacterIsError() {
        assertFalse(TextKeys.parse(bytes("Bad Key=1\0")).isOk());
    }

    @Test
    void duplicateKeyIsError() {
        TextKeys.ParseResult r = TextKeys.parse(bytes("MaxBurstLength=512\0MaxBurstLength=1024\0"));
        assertFalse(r.isOk());
        assertTrue(r.keys().isEmpty());
    }

    @Test
    void keyLengthLimitIs63Bytes() {
        assertTrue(TextKeys.parse(bytes("X-" + "a".repeat(61) + "=1\0")).isOk());
        assertFalse(TextKeys.parse(bytes("X-" + "a".repeat(62) + "=1\0")).isOk());
    }

    @Test
    void valueLengthLimitIs255BytesExceptChap() {
        assertTrue(TextKeys.parse(bytes("InitiatorAlias=" + "a".repeat(255) + "\0")).isOk());
        assertFalse(TextKeys.parse(bytes("InitiatorAlias=" + "a".repeat(256) + "\0")).isOk());
        assertTrue(TextKeys.parse(bytes("CHAP_C=0x" + "ab".repeat(1024) + "\0")).isOk());
        assertTrue(TextKeys.parse(bytes("CHAP_R=" + "a".repeat(8192) + "\0")).isOk());
        assertFalse(TextKeys.parse(bytes("CHAP_R=" + "a".repeat(8193) + "\0")).isOk());
    }

    @Test
    void keyCountIsBounded() {
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        for (int i = 0; i < TextKeys.MAX_KEYS; i++) {
            ok.writeBytes(bytes("X-k" + i + "=v\0"));
        }
        assertEquals(256, TextKeys.parse(ok.toByteArray()).keys().size());
        ok.writeBytes(bytes("X-one-more=v\0"));
        assertFalse(TextKeys.parse(ok.toByteArray()).isOk());
    }

    @Test
    void encodeTerminatesEachPairWithNul() {
        byte[] e = TextKeys.encode(List.of(new TextKey("TargetName", "iqn.t"), new TextKey("TargetAddress", "10.0.0.1:3260,1")));
        assertArrayEquals(bytes("TargetName=iqn.t\0TargetAddress=10.0.0.1:3260,1\0"), e);
        assertEquals(List.of(new TextKey("TargetName", "iqn.t"), new TextKey("TargetAddress", "10.0.0.1:3260,1")),
                TextKeys.parse(e).keys());
    }
}
