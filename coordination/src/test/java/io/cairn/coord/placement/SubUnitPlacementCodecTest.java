package io.cairn.coord.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pins the stored placement format. */
class SubUnitPlacementCodecTest {

    private static final SubUnitPlacement DEGRADED = new SubUnitPlacement("db-01", 17, List.of(3, 1, 5), 1, 42,
            List.of(1, 3));

    private static final SubUnitPlacement SHIPPED = DEGRADED.withDrCopies(Map.of("nara", 9, "kobe", 12));

    private static byte[] sample() throws IOException {
        return sample(1);
    }

    private static byte[] sample(int format) throws IOException {
        try (InputStream in = SubUnitPlacementCodecTest.class.getResourceAsStream(
                "sub-unit-placement-format-" + format + ".json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPlacementWithDrCopiesIsFormat2AsPinned() throws Exception {
        assertEquals(SHIPPED, SubUnitPlacementCodec.decode(sample(2)));
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample(2)), json.readTree(SubUnitPlacementCodec.encode(SHIPPED)));
        String text = new String(sample(2), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(text.replace(
                "{\"kobe\": 12, \"nara\": 9}", "{}").getBytes(StandardCharsets.UTF_8)), "empty DR copies are format 1's");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(text.replace(
                "\"nara\": 9", "\"nara\": 5").getBytes(StandardCharsets.UTF_8)), "a DR copy on a local replica");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(text.replace(
                "\"nara\": 9", "\"nara\": null").getBytes(StandardCharsets.UTF_8)), "a DR copy without a node");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(text.replace(
                "\"kobe\"", "\"Kobe/1\"").getBytes(StandardCharsets.UTF_8)), "a site name no store can announce");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(text.replace(
                "\"format\": 2", "\"format\": 1").getBytes(StandardCharsets.UTF_8)), "format 1 has no DR copies");
    }

    @Test
    void format1SampleDecodesWithReplicaOrderKept() throws Exception {
        SubUnitPlacement decoded = SubUnitPlacementCodec.decode(sample());
        assertEquals(DEGRADED, decoded);
        assertEquals(List.of(3, 1, 5), decoded.replicas(), "placement order is meaningful");
    }

    @Test
    void encodingWritesFormat1AsPinned() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample()), json.readTree(SubUnitPlacementCodec.encode(DEGRADED)));
    }

    @Test
    void invalidOrUnknownDocumentsAreRefused() throws Exception {
        String text = new String(sample(), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(
                text.replace("\"format\": 1", "\"format\": 3").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(
                text.replace("\"primary\": 1", "\"primary\": 5").getBytes(StandardCharsets.UTF_8)),
                "a primary outside the in-sync set is refused as the record refuses it");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(
                text.replace("\"epoch\": 42,", "").getBytes(StandardCharsets.UTF_8)), "a missing epoch is not epoch 0");
        assertThrows(IllegalArgumentException.class, () -> SubUnitPlacementCodec.decode(
                text.replace("\"epoch\": 42", "\"epoch\": 42, \"generation\": 1").getBytes(StandardCharsets.UTF_8)));
    }
}
