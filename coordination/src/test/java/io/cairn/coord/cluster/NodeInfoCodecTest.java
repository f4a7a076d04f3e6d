package io.cairn.coord.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pins the stored node registration format. */
class NodeInfoCodecTest {

    private static final NodeInfo STORE_3 = new NodeInfo(513, "osaka", "store-3.example.net", 7000);

    private static final NodeInfo RECEIVER_3 = new NodeInfo(513, "osaka", "store-3.example.net", 7000, 7001);

    private static byte[] sample() throws IOException {
        return sample(1);
    }

    private static byte[] sample(int format) throws IOException {
        try (InputStream in = NodeInfoCodecTest.class.getResourceAsStream("node-info-format-" + format + ".json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aNodeThatReceivesDrCopiesIsFormat2AsPinned() throws Exception {
        assertEquals(RECEIVER_3, NodeInfoCodec.decode(sample(2)));
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample(2)), json.readTree(NodeInfoCodec.encode(RECEIVER_3)));
        String text = new String(sample(2), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> NodeInfoCodec.decode(
                text.replace("7001", "0").getBytes(StandardCharsets.UTF_8)), "ship port 0 is format 1's");
        assertThrows(IllegalArgumentException.class, () -> NodeInfoCodec.decode(
                text.replace("\"format\": 2", "\"format\": 1").getBytes(StandardCharsets.UTF_8)),
                "format 1 has no ship port");
    }

    @Test
    void format1SampleDecodes() throws Exception {
        assertEquals(STORE_3, NodeInfoCodec.decode(sample()));
    }

    @Test
    void encodingWritesFormat1AsPinned() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(sample()), json.readTree(NodeInfoCodec.encode(STORE_3)));
    }

    @Test
    void invalidOrUnknownDocumentsAreRefused() throws Exception {
        String text = new String(sample(), StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class,
                () -> NodeInfoCodec.decode(text.replace("\"format\": 1", "\"format\": 3").getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> NodeInfoCodec.decode(text.replace("\"format\": 1", "\"format\": 2").getBytes(StandardCharsets.UTF_8)),
                "format 2 without its ship port");
        assertThrows(IllegalArgumentException.class,
                () -> NodeInfoCodec.decode(text.replace("513", "70000").getBytes(StandardCharsets.UTF_8)),
                "the record's own checks apply to stored documents");
        assertThrows(IllegalArgumentException.class,
                () -> NodeInfoCodec.decode(text.replace("\"port\": 7000", "\"port\": 7000, \"rack\": \"r1\"")
                        .getBytes(StandardCharsets.UTF_8)), "a field this format does not have");
        assertThrows(IllegalArgumentException.class, () -> NodeInfoCodec.decode("[]".getBytes(StandardCharsets.UTF_8)));
    }
}
