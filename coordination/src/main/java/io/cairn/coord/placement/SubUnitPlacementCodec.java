package io.cairn.coord.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.coord.znode.DocumentEnvelope;

/**
 * The stored form of a {@link SubUnitPlacement}: one document per sub-unit in the
 * {@link DocumentEnvelope}, with the format version this class owns. Format 1 is
 * {@code lunId, index, replicas, primary, epoch, inSync}. A reader refuses formats and fields it
 * does not know (a new field is a new format), so an old process never rewrites by
 * compare-and-set a placement it half understood.
 */
public final class SubUnitPlacementCodec {

    public static final int FORMAT = 1;
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("placement", FORMAT);

    private SubUnitPlacementCodec() {}

    public static byte[] encode(SubUnitPlacement placement) {
        ObjectNode body = ENVELOPE.newBody();
        body.put("lunId", placement.lunId());
        body.put("index", placement.index());
        ArrayNode replicas = body.putArray("replicas");
        placement.replicas().forEach(replicas::add);
        body.put("primary", placement.primary());
        body.put("epoch", placement.epoch());
        ArrayNode inSync = body.putArray("inSync");
        placement.inSync().forEach(inSync::add);
        return ENVELOPE.encode(FORMAT, body);
    }

    /** @throws IllegalArgumentException if the bytes are not a placement of a known format */
    public static SubUnitPlacement decode(byte[] bytes) {
        return ENVELOPE.decode(bytes, (format, body) -> ENVELOPE.bind(body, SubUnitPlacement.class));
    }
}
