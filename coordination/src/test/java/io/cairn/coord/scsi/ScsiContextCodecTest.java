package io.cairn.coord.scsi;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins the stored SCSI context format: documents written by format 1 must always read back. */
class ScsiContextCodecTest {

    private static byte[] sample() throws IOException {
        try (InputStream in = ScsiContextCodecTest.class.getResourceAsStream("scsi-context-format-1.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void format1SampleDecodesToTheContextItRecords() throws Exception {
        ScsiContextStoreContract.assertSameContext(ScsiContextStoreContract.richContext(),
                ScsiContextCodec.decode(sample()));
    }

    @Test
    void encodingWritesFormat1AsPinned() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample()), json.readTree(ScsiContextCodec.encode(ScsiContextStoreContract.richContext())));
    }

    @Test
    void equalContextsEncodeToEqualBytes() {
        ScsiContext a = ScsiContextStoreContract.richContext();
        ScsiContext b = ScsiContextStoreContract.richContext();
        assertArrayEquals(ScsiContextCodec.encode(a), ScsiContextCodec.encode(b));
    }

    @Test
    void emptyContextRoundTrips() {
        ScsiContext decoded = ScsiContextCodec.decode(ScsiContextCodec.encode(ScsiContext.EMPTY));
        assertEquals(ScsiContext.EMPTY, decoded);
        assertSame(null, decoded.reservation());
    }

    @Test
    void unknownFormatsAndFieldsAreRefused() throws Exception {
        String text = new String(sample(), StandardCharsets.UTF_8);
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"format\": 1", "\"format\": 2").getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.getMessage().contains("format 2"), newer.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"aptpl\"", "\"alua\": 1, \"aptpl\"").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(text.replace("\"format\": 1,", "").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> ScsiContextCodec.decode(Arrays.copyOf(sample(), 40)));
    }
}
