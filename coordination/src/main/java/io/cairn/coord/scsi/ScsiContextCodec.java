package io.cairn.coord.scsi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored form of a {@link ScsiContext}: one UTF-8 JSON object per LUN, the record tree by
 * component name plus {@code "format"}, the format version this class owns.
 *
 * <p>Format 1: {@code prGeneration}, {@code registrations} (list of {initiatorPort, targetPort,
 * key}), {@code reservation} ({initiatorPort, targetPort, key, type} or null), {@code aptpl},
 * {@code spc2Holder} ({initiatorPort, targetPort} or null), {@code unitAttentions} (nexus key to
 * list of {asc, ascq}), {@code modePages} (decimal page code to base64 bytes). Map entries are
 * written sorted by key, so equal contexts encode to equal bytes.
 *
 * <p>Format 2 adds {@code taskAborts} (list of {sequence, nexusKeys}: the latest PREEMPT AND
 * ABORTs). A context without task aborts is still written as format 1, so a node of the release
 * before reads every document until the first PREEMPT AND ABORT; format 1 reads as no task aborts.
 *
 * <p>A reader refuses unknown formats and unknown fields: reservation state half understood and
 * written back would be lost, so a new field is a new format.
 */
public final class ScsiContextCodec {

    /** The newest format this class writes and reads; it also reads {@link #FORMAT_1}. */
    public static final int FORMAT = 2;
    public static final int FORMAT_1 = 1;
    private static final String FORMAT_FIELD = "format";
    private static final String TASK_ABORTS = "taskAborts";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private ScsiContextCodec() {}

    public static byte[] encode(ScsiContext context) {
        ObjectNode node = JSON.createObjectNode();
        boolean format1 = context.taskAborts().isEmpty();
        node.put(FORMAT_FIELD, format1 ? FORMAT_1 : FORMAT);
        node.setAll((ObjectNode) JSON.valueToTree(context));
        if (format1) node.remove(TASK_ABORTS);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode SCSI context", e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a SCSI context of a known format */
    public static ScsiContext decode(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("SCSI context is not a JSON object");
            }
            JsonNode formatField = object.get(FORMAT_FIELD);
            int format = formatField != null && formatField.isInt() ? formatField.intValue() : -1;
            if (format != FORMAT && format != FORMAT_1) {
                throw new IllegalArgumentException("unsupported SCSI context format " + formatField);
            }
            object.remove(FORMAT_FIELD);
            if (format == FORMAT_1) {
                if (object.has(TASK_ABORTS)) {
                    throw new IllegalArgumentException("format 1 SCSI context with " + TASK_ABORTS);
                }
                object.putArray(TASK_ABORTS);
            }
            return JSON.treeToValue(object, ScsiContext.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed SCSI context: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
