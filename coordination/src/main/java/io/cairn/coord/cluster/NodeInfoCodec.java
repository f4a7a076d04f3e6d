package io.cairn.coord.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored form of a {@link NodeInfo} (both the live and the known registration): one UTF-8
 * JSON object with the record's components and {@code "format"}, the format version this class
 * owns. Format 1 is {@code id, site, host, port}. A reader refuses formats and fields it does not
 * know (a new field is a new format), so an old process never misreads a newer node.
 */
public final class NodeInfoCodec {

    public static final int FORMAT = 1;
    private static final String FORMAT_FIELD = "format";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private NodeInfoCodec() {}

    public static byte[] encode(NodeInfo node) {
        ObjectNode json = JSON.createObjectNode();
        json.put(FORMAT_FIELD, FORMAT);
        json.put("id", node.id());
        json.put("site", node.site());
        json.put("host", node.host());
        json.put("port", node.port());
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode node " + node.id(), e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a node registration of a known format */
    public static NodeInfo decode(byte[] bytes) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (!(tree instanceof ObjectNode object)) {
                throw new IllegalArgumentException("node registration is not a JSON object");
            }
            int format = object.path(FORMAT_FIELD).asInt(-1);
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported node registration format " + object.get(FORMAT_FIELD));
            }
            object.remove(FORMAT_FIELD);
            return JSON.treeToValue(object, NodeInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed node registration: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
