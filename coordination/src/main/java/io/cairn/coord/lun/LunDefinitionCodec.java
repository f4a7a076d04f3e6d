package io.cairn.coord.lun;

import io.cairn.coord.znode.DocumentEnvelope;

/**
 * The stored form of a {@link LunDefinition}: one document per LUN in the
 * {@link DocumentEnvelope}, with the format version this class owns. Format 1 is the record's
 * components by name. A reader refuses formats it does not know and fields it does not know
 * (a new field is a new format), so an old process never rewrites a document it half understood.
 */
public final class LunDefinitionCodec {

    public static final int FORMAT = 1;
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("LUN definition", FORMAT);

    private LunDefinitionCodec() {}

    public static byte[] encode(LunDefinition lun) {
        return ENVELOPE.encode(FORMAT, ENVELOPE.bodyOf(lun));
    }

    /** @throws IllegalArgumentException if the bytes are not a LUN definition of a known format */
    public static LunDefinition decode(byte[] json) {
        return ENVELOPE.decode(json, (format, body) -> ENVELOPE.bind(body, LunDefinition.class));
    }
}
