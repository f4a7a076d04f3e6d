package io.cairn.coord.placement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored form of a {@link SubUnitPlacement}: one UTF-8 JSON object per sub-unit with
 * {@code "format"}, the format version this class owns. Format 1 is
 * {@code lunId, index, replicas, primary, epoch, inSync}. A reader refuses formats and fields it
 * does not know (a new field is a new format), so an old process never rewrites by
 * compare-and-set a placement it half understood.
 */
public final class SubUnitPlacementCodec {

    public static final int FORMAT = 1;
    private static final String FORMAT_FIELD = "format";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private SubUnitPlacementCodec() {}

    public static byte[] encode(SubUnitPlacement placement) {
        ObjectNode json = JSON.createObjectNode();
        json.put(FORMAT_FIELD, FORMAT);
        json.put("lunId", placement.lunId());
        json.put("index", placement.index());
        ArrayNode replicas = json.putArray("replicas");
        placement.replicas().forEach(replicas::add);
        json.put("primary", placement.primary());
        json.put("epoch", placement.epoch());
        ArrayNode inSync = json.putArray("inSync");
        placement.inSync().forEach(inSync::add);
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode placement of " + placement.lunId() + "/" + placement.index(), e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a placement of a known format */
    public static SubUnitPlacement decode(byte[] bytes) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (!(tree instanceof ObjectNode object)) {
                throw new IllegalArgumentException("placement is not a JSON object");
            }
            int format = object.path(FORMAT_FIELD).asInt(-1);
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported placement format " + object.get(FORMAT_FIELD));
            }
            object.remove(FORMAT_FIELD);
            return JSON.treeToValue(object, SubUnitPlacement.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed placement: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
