package io.cairn.coord.znode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The envelope of every versioned document Cairn keeps in ZooKeeper: one compact UTF-8 JSON
 * object whose first field is {@code "format"}, the version of the body that follows, an integer
 * the document's codec owns. The codec says which formats it reads and writes the fields of each;
 * this class does the rest the same way for all of them:
 *
 * <ul>
 *   <li>writes {@code "format"} first and map entries sorted by key, so equal documents encode to
 *       equal bytes (DocumentBytesTest pins them);</li>
 *   <li>refuses a document that is not a JSON object, has no integer {@code "format"} or one the
 *       codec does not read, with an {@link IllegalArgumentException} naming the document and the
 *       format: an old process must never rewrite by compare-and-set a document a newer one wrote;</li>
 *   <li>reads strictly: an unknown field, a null or missing record component is an error, not a
 *       default (a new field is a new format), and so is whatever the record's constructor refuses.</li>
 * </ul>
 */
public final class DocumentEnvelope {

    public static final String FORMAT_FIELD = "format";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    /** Reads one format's body (the document without {@code "format"}) into the document. */
    @FunctionalInterface
    public interface BodyReader<T> {
        /** @throws IllegalArgumentException or {@link JsonProcessingException} if the body is not of that format */
        T read(int format, ObjectNode body) throws JsonProcessingException;
    }

    private final String kind;
    private final int[] formats;

    /**
     * @param kind    what the document is, for errors: "LUN definition", "placement", ...
     * @param formats every format the codec reads (and may write)
     */
    public DocumentEnvelope(String kind, int... formats) {
        this.kind = Objects.requireNonNull(kind, "kind");
        if (formats.length == 0) throw new IllegalArgumentException("a document has at least one format");
        this.formats = formats.clone();
    }

    /** An empty body for the codec to fill in, field by field, in the order they are written. */
    public ObjectNode newBody() {
        return JSON.createObjectNode();
    }

    /** The body holding {@code value}'s record components by name, in declaration order. */
    public ObjectNode bodyOf(Object value) {
        return (ObjectNode) JSON.valueToTree(value);
    }

    /** Binds a body to {@code type} strictly (see the class comment). */
    public <T> T bind(ObjectNode body, Class<T> type) throws JsonProcessingException {
        return JSON.treeToValue(body, type);
    }

    /** The document's bytes: {@code "format"}, then the body's fields. */
    public byte[] encode(int format, ObjectNode body) {
        if (!reads(format)) throw new IllegalArgumentException(kind + " has no format " + format);
        ObjectNode document = JSON.createObjectNode();
        document.put(FORMAT_FIELD, format);
        document.setAll(body);
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + kind, e);
        }
    }

    /**
     * Opens the envelope and hands the body to {@code reader} with its format.
     *
     * @throws IllegalArgumentException if the bytes are not a document of a known format, or the
     *                                  reader refused the body
     */
    public <T> T decode(byte[] bytes, BodyReader<T> reader) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (!(tree instanceof ObjectNode document)) {
                throw new IllegalArgumentException(kind + " is not a JSON object");
            }
            JsonNode field = document.get(FORMAT_FIELD);
            int format = field != null && field.isInt() ? field.intValue() : -1;
            if (!reads(format)) {
                throw new IllegalArgumentException("unsupported " + kind + " format " + field);
            }
            document.remove(FORMAT_FIELD);
            return reader.read(format, document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + kind + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean reads(int format) {
        return Arrays.stream(formats).anyMatch(f -> f == format);
    }
}
