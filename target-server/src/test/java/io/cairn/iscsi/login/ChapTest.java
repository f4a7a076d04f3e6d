package io.cairn.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChapTest {
    static byte[] md5(int id, String secret, byte[] challenge) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update((byte) id);
        md.update(secret.getBytes(StandardCharsets.US_ASCII));
        md.update(challenge);
        return md.digest();
    }

    @Test
    void responseIsMd5OfIdSecretChallenge() throws Exception {
        byte[] c = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
        assertArrayEquals(md5(200, "secretsecret", c), Chap.response(200, "secretsecret", c));
    }

    @Test
    void verifyAcceptsRightAndRefusesWrong() throws Exception {
        byte[] c = new byte[16];
        byte[] good = md5(1, "s3cret-s3cret", c);
        assertTrue(Chap.verify(1, "s3cret-s3cret", c, good));
        assertFalse(Chap.verify(2, "s3cret-s3cret", c, good));
        assertFalse(Chap.verify(1, "other-secret", c, good));
        assertFalse(Chap.verify(1, "s3cret-s3cret", c, null));
        assertFalse(Chap.verify(1, "s3cret-s3cret", c, new byte[15]));
    }

    @Test
    void challengesAreLongIdInRangeAndFresh() {
        Chap chap = LoginFixtures.seededChap();
        Chap.Challenge a = chap.newChallenge();
        Chap.Challenge b = chap.newChallenge();
        assertTrue(a.value().length >= 16);
        assertTrue(a.id() >= 0 && a.id() <= 255);
        assertNotEquals(HexFormat.of().formatHex(a.value()), HexFormat.of().formatHex(b.value()));
        assertTrue(a.encoded().startsWith("0x"));
        assertEquals(2 + 2 * a.value().length, a.encoded().length());
    }

    @Test
    void algorithmSelectionNeedsMd5() {
        assertEquals("5", Chap.selectAlgorithm("5"));
        assertEquals("5", Chap.selectAlgorithm("7,6,5")); // newer open-iscsi offers SHA-256, SHA-1, MD5
        assertNull(Chap.selectAlgorithm("7,6"));
        assertNull(Chap.selectAlgorithm("55"));
    }

    @Test
    void binaryValuesInHexAndBase64() {
        assertArrayEquals(new byte[] {1, (byte) 0xab}, TextValues.binary("0x01AB"));
        assertArrayEquals(new byte[] {1, (byte) 0xab}, TextValues.binary("0bAas="));
        assertNull(TextValues.binary("0x1"));
        assertNull(TextValues.binary("0xzz"));
        assertNull(TextValues.binary("0b!!!"));
        assertNull(TextValues.binary("1234"));
    }
}
