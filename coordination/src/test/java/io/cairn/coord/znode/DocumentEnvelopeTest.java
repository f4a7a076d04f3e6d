package io.cairn.coord.znode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelope alone, over a document of its own: what every codec gets from it. */
class DocumentEnvelopeTest {

    /** A document with a map, to show the order the envelope writes. */
    record Sample(String name, int count, Map<String, Integer> tally) {}

    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("sample", 1, 2);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Sample decode(String text) {
        return ENVELOPE.decode(bytes(text), (format, body) -> ENVELOPE.bind(body, Sample.class));
    }

    @Test
    void formatComesFirstAndMapsAreSorted() {
        Sample sample = new Sample("a", 3, Map.of("z", 1, "b", 2, "m", 3));
        assertEquals("{\"format\":2,\"name\":\"a\",\"count\":3,\"tally\":{\"b\":2,\"m\":3,\"z\":1}}",
                new String(ENVELOPE.encode(2, ENVELOPE.bodyOf(sample)), StandardCharsets.UTF_8));
        assertEquals(sample, decode("{\"format\":2,\"name\":\"a\",\"count\":3,\"tally\":{\"b\":2,\"m\":3,\"z\":1}}"));
    }

    @Test
    void theReaderIsToldTheFormatAndSeesTheBodyWithoutIt() {
        int[] seen = new int[1];
        ObjectNode body = ENVELOPE.decode(bytes("{\"format\":1,\"name\":\"a\"}"), (format, b) -> {
            seen[0] = format;
            return b;
        });
        assertEquals(1, seen[0]);
        assertEquals(1, body.size());
        assertEquals("a", body.get("name").asText());
    }

    @Test
    void unknownOrMissingFormatsAreRefusedNamingTheDocumentAndTheFormat() {
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> decode("{\"format\":3,\"name\":\"a\",\"count\":1,\"tally\":{}}"));
        assertEquals("unsupported sample format 3", newer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> decode("{\"name\":\"a\",\"count\":1,\"tally\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> decode("{\"format\":\"1\",\"name\":\"a\",\"count\":1,\"tally\":{}}"),
                "the format is an integer, not a string that looks like one");
        assertThrows(IllegalArgumentException.class, () -> ENVELOPE.encode(3, ENVELOPE.newBody()),
                "nor is a format the codec does not have ever written");
    }

    @Test
    void whatIsNotADocumentOfAKnownShapeIsRefused() {
        assertEquals("sample is not a JSON object",
                assertThrows(IllegalArgumentException.class, () -> decode("[1]")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> decode("{\"format\":1,"), "cut short");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> decode("{\"format\":1,\"name\":\"a\",\"count\":1,\"tally\":{},\"extra\":0}")).getMessage()
                .startsWith("malformed sample: "), "a field the format does not have");
        assertThrows(IllegalArgumentException.class, () -> decode("{\"format\":1,\"name\":\"a\",\"tally\":{}}"),
                "a missing component is not a default");
        assertThrows(IllegalArgumentException.class, () -> decode("{\"format\":1,\"name\":\"a\",\"count\":null,\"tally\":{}}"),
                "nor is a null primitive");
    }
}
