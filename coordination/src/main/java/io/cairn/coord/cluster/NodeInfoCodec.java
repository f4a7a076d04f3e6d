package io.cairn.coord.cluster;

import io.cairn.coord.znode.DocumentEnvelope;

/**
 * The stored form of a {@link NodeInfo} (both the live and the known registration), in the
 * {@link DocumentEnvelope} with the format versions this class owns. Format 1 is
 * {@code id, site, host, port} (a node that receives no DR copies); format 2 adds
 * {@code shipPort}. A node is written in the oldest format that holds it, so a node without a
 * ship port reads as before. A reader refuses formats and fields it does not know (a new field
 * is a new format), so an old process never misreads a newer node.
 */
public final class NodeInfoCodec {

    public static final int FORMAT = 2;
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("node registration", 1, FORMAT);

    private record Format1(int id, String site, String host, int port) {}

    private record Format2(int id, String site, String host, int port, int shipPort) {}

    private NodeInfoCodec() {}

    public static byte[] encode(NodeInfo node) {
        if (!node.receivesDrCopies()) {
            return ENVELOPE.encode(1, ENVELOPE.bodyOf(new Format1(node.id(), node.site(), node.host(), node.port())));
        }
        return ENVELOPE.encode(2, ENVELOPE.bodyOf(new Format2(node.id(), node.site(), node.host(), node.port(),
                node.shipPort())));
    }

    /** @throws IllegalArgumentException if the bytes are not a node registration of a known format */
    public static NodeInfo decode(byte[] bytes) {
        return ENVELOPE.decode(bytes, (format, body) -> {
            if (format == 1) {
                Format1 f = ENVELOPE.bind(body, Format1.class);
                return new NodeInfo(f.id(), f.site(), f.host(), f.port());
            }
            Format2 f = ENVELOPE.bind(body, Format2.class);
            if (f.shipPort() == 0) {
                throw new IllegalArgumentException("format 2 node registration with ship port 0 (that is format 1)");
            }
            return new NodeInfo(f.id(), f.site(), f.host(), f.port(), f.shipPort());
        });
    }
}
