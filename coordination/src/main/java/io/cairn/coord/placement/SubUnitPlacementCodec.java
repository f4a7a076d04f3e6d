package io.cairn.coord.placement;

import io.cairn.coord.znode.DocumentEnvelope;
import java.util.List;
import java.util.Map;

/**
 * The stored form of a {@link SubUnitPlacement}: one document per sub-unit in the
 * {@link DocumentEnvelope}, with the format versions this class owns. Format 1 is
 * {@code lunId, index, replicas, primary, epoch, inSync}; format 2 adds {@code drCopies}, an object
 * from DR site name to node id (not empty). A placement is written in the oldest format that holds
 * it, so one without DR copies reads as before. A reader refuses formats and fields it does not
 * know (a new field is a new format), so an old process never rewrites by compare-and-set a
 * placement it half understood (and so never drops a newer process's DR copies).
 */
public final class SubUnitPlacementCodec {

    public static final int FORMAT = 2;
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("placement", 1, FORMAT);

    private record Format1(String lunId, int index, List<Integer> replicas, int primary, long epoch,
                           List<Integer> inSync) {}

    private record Format2(String lunId, int index, List<Integer> replicas, int primary, long epoch,
                           List<Integer> inSync, Map<String, Integer> drCopies) {}

    private SubUnitPlacementCodec() {}

    public static byte[] encode(SubUnitPlacement p) {
        if (p.drCopies().isEmpty()) {
            return ENVELOPE.encode(1, ENVELOPE.bodyOf(new Format1(p.lunId(), p.index(), p.replicas(), p.primary(),
                    p.epoch(), p.inSync())));
        }
        return ENVELOPE.encode(2, ENVELOPE.bodyOf(new Format2(p.lunId(), p.index(), p.replicas(), p.primary(),
                p.epoch(), p.inSync(), p.drCopies())));
    }

    /** @throws IllegalArgumentException if the bytes are not a placement of a known format */
    public static SubUnitPlacement decode(byte[] bytes) {
        return ENVELOPE.decode(bytes, (format, body) -> {
            if (format == 1) {
                Format1 f = ENVELOPE.bind(body, Format1.class);
                return new SubUnitPlacement(f.lunId(), f.index(), f.replicas(), f.primary(), f.epoch(), f.inSync());
            }
            Format2 f = ENVELOPE.bind(body, Format2.class);
            if (f.drCopies().isEmpty()) {
                throw new IllegalArgumentException("format 2 placement without DR copies (that is format 1)");
            }
            return new SubUnitPlacement(f.lunId(), f.index(), f.replicas(), f.primary(), f.epoch(), f.inSync(),
                    f.drCopies());
        });
    }
}
