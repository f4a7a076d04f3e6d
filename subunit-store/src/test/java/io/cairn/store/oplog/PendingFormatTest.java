package io.cairn.store.oplog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Format 1 of a change cursor's file, pinned byte for byte (the CRC32C computed independently). */
class PendingFormatTest {
    /** "vol1/0" extents 0 (stamp 5) and 3 (stamp 7), "vol1/2" extent 1 (stamp 9); newest stamp 9. */
    static final String FORMAT_1 = "434149524e435031" + "00000001" + "00000002" + "0000000000000009"
            + "0006" + "766f6c312f30" + "00000002" + "00000000" + "0000000000000005" + "00000003" + "0000000000000007"
            + "0006" + "766f6c312f32" + "00000001" + "00000001" + "0000000000000009"
            + "76f978da";

    private static ChangedExtents example() {
        ChangedExtents e = new ChangedExtents();
        e.put("vol1/2", 1, 9);
        e.put("vol1/0", 3, 7);
        e.put("vol1/0", 0, 5);
        return e;
    }

    @Test
    void encodesToThePinnedBytes() {
        assertEquals(FORMAT_1, HexFormat.of().formatHex(PendingFormat.encode(example(), 9)));
    }

    @Test
    void pinnedBytesDecode() throws IOException {
        PendingFormat.Contents c = PendingFormat.decode(HexFormat.of().parseHex(FORMAT_1), "f");
        assertEquals(9, c.lastStamp());
        assertEquals(Map.of("vol1/0", Map.of(0, 5L, 3, 7L), "vol1/2", Map.of(1, 9L)), c.extents().view());
    }

    @Test
    void anEmptyCursorRoundTrips() throws IOException {
        byte[] bytes = PendingFormat.encode(new ChangedExtents(), 42);
        assertEquals(28, bytes.length);
        PendingFormat.Contents c = PendingFormat.decode(bytes, "f");
        assertTrue(c.extents().isEmpty());
        assertEquals(42, c.lastStamp());
    }

    @Test
    void everyFlippedBitTruncationAndOtherVersionIsRefusedWithItsReason() {
        byte[] good = HexFormat.of().parseHex(FORMAT_1);
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                IOException e = assertThrows(IOException.class, () -> PendingFormat.decode(bad, "cursor.pending"));
                assertTrue(e.getMessage().startsWith("cursor.pending: "), e.getMessage());
            }
        }
        for (int n = 0; n < good.length; n++) {
            byte[] torn = Arrays.copyOf(good, n);
            assertThrows(IOException.class, () -> PendingFormat.decode(torn, "f"), "torn at " + n);
        }
        byte[] v2 = good.clone();
        v2[11] = 2;
        IOException e = assertThrows(IOException.class, () -> PendingFormat.decode(v2, "f"));
        assertEquals("f: change cursor format 2, this build reads 1", e.getMessage());
    }

    @Test
    void aChecksummedFileWhoseEntriesDoNotFitIsRefused() {
        byte[] good = HexFormat.of().parseHex(FORMAT_1);
        byte[] body = Arrays.copyOf(good, good.length - 4);
        body[15] = 3; // three sub-units announced, two present: valid checksum over a wrong count
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        byte[] bad = java.nio.ByteBuffer.allocate(good.length).put(body).putInt((int) crc.getValue()).array();
        IOException e = assertThrows(IOException.class, () -> PendingFormat.decode(bad, "f"));
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
        assertArrayEquals(good, PendingFormat.encode(example(), 9), "the example is unchanged");
    }
}
