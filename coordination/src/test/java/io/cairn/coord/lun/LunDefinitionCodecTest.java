package io.cairn.coord.lun;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

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
                () -> LunDefinitionCodec.decode(text.replace("\"format\":2", "\"format\":4").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> LunDefinitionCodec.decode(text.replace("\"format\":2", "\"format\":1").getBytes(StandardCharsets.UTF_8)),
                "format 1 has no durability field");
    }

    @Test
    void aLunWithARecordedSiteIsFormat3AsPinned() throws Exception {
        LunDefinition tokyo = DB01.withSites(SitePolicy.in("tokyo"));
        String text = new String(LunDefinitionCodec.encode(tokyo), StandardCharsets.UTF_8);
        String body = "\"id\":\"db-01\",\"targetIqn\":\"iqn.2024-01.io.cairn:db-01\",\"blockSize\":4096,"
                + "\"blockCount\":26214400,\"subUnitBlocks\":262144,\"copies\":2,"
                + "\"naa\":\"60014055f3c2a1b0e9d8c7b6a5948372\",\"serial\":\"CAIRN-DB01\",\"createdMillis\":1700000000000,"
                + "\"durability\":\"write-back\",";
        assertEquals("{\"format\":3," + body + "\"sites\":{\"site\":\"tokyo\",\"dropLocalCopy\":false}}", text);
        assertEquals(tokyo, LunDefinitionCodec.decode(text.getBytes(StandardCharsets.UTF_8)));

        LunDefinition named = DB01.withSites(SitePolicy.in("tokyo").withDrSites(List.of("osaka", "sapporo"))
                .withDropLocalCopy(true));
        String namedText = new String(LunDefinitionCodec.encode(named), StandardCharsets.UTF_8);
        assertEquals("{\"format\":3," + body + "\"sites\":{\"site\":\"tokyo\",\"drSites\":[\"osaka\",\"sapporo\"],"
                + "\"dropLocalCopy\":true}}", namedText);
        assertEquals(named, LunDefinitionCodec.decode(namedText.getBytes(StandardCharsets.UTF_8)));
        LunDefinition none = DB01.withSites(SitePolicy.in("tokyo").withDrSites(List.of()));
        assertEquals(none, LunDefinitionCodec.decode(LunDefinitionCodec.encode(none)), "no DR sites is not every other site");
        assertEquals(Optional.of(List.of()), LunDefinitionCodec.decode(LunDefinitionCodec.encode(none)).sites().drSites());
        assertEquals(SitePolicy.UNRECORDED, DB01.sites(), "formats 1 and 2 record no site");

        for (String bad : List.of(
                text.replace(",\"dropLocalCopy\":false", ""),                        // required
                text.replace("\"dropLocalCopy\":false", "\"dropLocalCopy\":\"no\""),   // a boolean
                text.replace("\"site\":\"tokyo\",", ""),                            // required
                text.replace("\"tokyo\"", "\"Tokyo\""),                               // a site name
                text.replace("\"dropLocalCopy\"", "\"drSites\":[\"tokyo\"],\"dropLocalCopy\""), // its own site
                text.replace("\"dropLocalCopy\"", "\"drSites\":\"osaka\",\"dropLocalCopy\""),   // a list
                text.replace("\"dropLocalCopy\"", "\"drSites\":[\"osaka\",\"osaka\"],\"dropLocalCopy\""),
                text.replace("\"dropLocalCopy\":false", "\"dropLocalCopy\":false,\"later\":1"),  // unknown field
                text.replace("\"dropLocalCopy\":false", "\"drSites\":[],\"dropLocalCopy\":true"), // nothing to drop for
                text.replace("\"format\":3", "\"format\":2"),                          // format 2 has no sites
                text.replace(",\"sites\":{\"site\":\"tokyo\",\"dropLocalCopy\":false}", ""))) { // format 3 has them
            assertThrows(IllegalArgumentException.class, () -> LunDefinitionCodec.decode(bad.getBytes(StandardCharsets.UTF_8)),
                    bad);
        }
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
