package io.cairn.coord.scsi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.coord.znode.DocumentEnvelope;

/**
 * The stored form of a {@link ScsiContext}: one document per LUN in the {@link DocumentEnvelope},
 * the record tree by component name, with the format version this class owns.
 *
 * <p>Format 1: {@code prGeneration}, {@code registrations} (list of {initiatorPort, targetPort,
 * key}), {@code reservation} ({initiatorPort, targetPort, key, type} or null), {@code aptpl},
 * {@code spc2Holder} ({initiatorPort, targetPort} or null), {@code unitAttentions} (nexus key to
 * list of {asc, ascq}), {@code modePages} (decimal page code to base64 bytes). Map entries are
 * written sorted by key (the envelope does), so equal contexts encode to equal bytes.
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
    private static final String TASK_ABORTS = "taskAborts";
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("SCSI context", FORMAT_1, FORMAT);

    private ScsiContextCodec() {}

    public static byte[] encode(ScsiContext context) {
        ObjectNode body = ENVELOPE.bodyOf(context);
        boolean format1 = context.taskAborts().isEmpty();
        if (format1) body.remove(TASK_ABORTS);
        return ENVELOPE.encode(format1 ? FORMAT_1 : FORMAT, body);
    }

    /** @throws IllegalArgumentException if the bytes are not a SCSI context of a known format */
    public static ScsiContext decode(byte[] json) {
        return ENVELOPE.decode(json, (format, body) -> {
            if (format == FORMAT_1) {
                if (body.has(TASK_ABORTS)) {
                    throw new IllegalArgumentException("format 1 SCSI context with " + TASK_ABORTS);
                }
                body.putArray(TASK_ABORTS);
            }
            return ENVELOPE.bind(body, ScsiContext.class);
        });
    }
}
