package io.cairn.coord.lun;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pins the stored LUN definition format. */
class LunDefinitionCodecTest {

    private static final LunDefinition DB01 = new LunDefinition("db-01", "iqn.2024-01.io.cairn:db-01", 4096,
            26_214_400L, 262_144L, 2, "60014055f3c2a1b0e9d8c7b6a5948372", "CAIRN-DB01", 1_700_000_000_000L);

    private static byte[] sample() throws IOException {
        try (InputStream in = LunDefinitionCodecTest.class.getResourceAsStream("lun-definition-format-1.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void format1SampleDecodes() throws Exception {
        assertEquals(DB01, LunDefinitionCodec.decode(sample()));
    }

    @Test
    void encodingWritesFormat1AsPinned() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample()), json.readTree(LunDefinitionCodec.encode(DB01)));
    }

    @Test
    void aDurableLunIsFormat2AndAWriteBackOneStaysFormat1() throws Exception {
        LunDefinition durable = new LunDefinition("db-01", "iqn.2024-01.io.cairn:db-01", 4096, 26_214_400L, 262_144L,
                2, "60014055f3c2a1b0e9d8c7b6a5948372", "CAIRN-DB01", 1_700_000_000_000L, Durability.DURABLE);
        String text = new String(LunDefinitionCodec.encode(durable), StandardCharsets.UTF_8);
        assertEquals("{\"format\":2,\"id\":\"db-01\",\"targetIqn\":\"iqn.2024-01.io.cairn:db-01\",\"blockSize\":4096,"
                + "\"blockCount\":26214400,\"subUnitBlocks\":262144,\"copies\":2,"
                + "\"naa\":\"60014055f3c2a1b0e9d8c7b6a5948372\",\"serial\":\"CAIRN-DB01\",\"createdMillis\":1700000000000,"
                + "\"durability\":\"durable\"}", text);
        assertEquals(durable, LunDefinitionCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
        String writeBack = text.replace("\"durable\"", "\"write-back\"");
        assertEquals(DB01, LunDefinitionCodec.decode(writeBack.getBytes(StandardCharsets.UTF_8)),
                "format 2 may also say write-back");
        assertEquals(Durability.WRITE_BACK, DB01.durability());
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"durable\"", "\"sometimes\"").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"format\":2", "\"format\":3").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"format\":2", "\"format\":1").getBytes(StandardCharsets.UTF_8)),
                "format 1 has no durability field");
    }

    @Test
    void invalidOrUnknownDocumentsAreRefused() throws Exception {
        String text = new String(sample(), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"format\": 1", "\"format\": 2").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("4096", "1000").getBytes(StandardCharsets.UTF_8)),
                "the record's own checks apply to stored documents");
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"copies\": 2,", "").getBytes(StandardCharsets.UTF_8)));
    }
}
