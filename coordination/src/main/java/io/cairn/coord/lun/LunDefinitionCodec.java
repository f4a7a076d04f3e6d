package io.cairn.coord.lun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored form of a {@link LunDefinition}: one UTF-8 JSON object per LUN with the record's
 * components and {@code "format"}, the format version this class owns. Format 1 is the record's
 * components by name. A reader refuses formats it does not know and fields it does not know
 * (a new field is a new format), so an old process never rewrites a document it half understood.
 */
public final class LunDefinitionCodec {

    public static final int FORMAT = 1;
    private static final String FORMAT_FIELD = "format";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private LunDefinitionCodec() {}

    public static byte[] encode(LunDefinition lun) {
        ObjectNode node = JSON.createObjectNode();
        node.put(FORMAT_FIELD, FORMAT);
        node.setAll((ObjectNode) JSON.valueToTree(lun));
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode LUN " + lun.id(), e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a LUN definition of a known format */
    public static LunDefinition decode(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("LUN definition is not a JSON object");
            }
            int format = object.path(FORMAT_FIELD).asInt(-1);
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported LUN definition format " + object.get(FORMAT_FIELD));
            }
            object.remove(FORMAT_FIELD);
            return JSON.treeToValue(object, LunDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed LUN definition: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
