package io.cairn.coord.cluster;

import io.cairn.coord.znode.DocumentEnvelope;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The stored form of a {@link NodeInfo} (both the live and the known registration), in the
 * {@link DocumentEnvelope} with the format version this class owns. Format 1 is
 * {@code id, site, host, port}. A reader refuses formats and fields it does not know (a new field
 * is a new format), so an old process never misreads a newer node.
 */
public final class NodeInfoCodec {

    public static final int FORMAT = 1;
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("node registration", FORMAT);

    private NodeInfoCodec() {}

    public static byte[] encode(NodeInfo node) {
        ObjectNode body = ENVELOPE.newBody();
        body.put("id", node.id());
        body.put("site", node.site());
        body.put("host", node.host());
        body.put("port", node.port());
        return ENVELOPE.encode(FORMAT, body);
    }

    /** @throws IllegalArgumentException if the bytes are not a node registration of a known format */
    public static NodeInfo decode(byte[] bytes) {
        return ENVELOPE.decode(bytes, (format, body) -> ENVELOPE.bind(body, NodeInfo.class));
    }
}
