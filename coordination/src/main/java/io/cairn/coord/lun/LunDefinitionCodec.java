package io.cairn.coord.lun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.coord.znode.DocumentEnvelope;

/**
 * The stored form of a {@link LunDefinition}: one document per LUN in the
 * {@link DocumentEnvelope}, with the format versions this class owns. Format 1 is the record's
 * components by name, without {@code durability} (a format-1 LUN is write-back); format 2 adds
 * {@code "durability": "durable"} or {@code "write-back"}. A write-back LUN is written as format 1,
 * so processes that know only format 1 keep reading it; a durable one needs format 2. A reader
 * refuses formats it does not know and fields it does not know (a new field is a new format), so
 * an old process never rewrites a document it half understood.
 */
public final class LunDefinitionCodec {

    public static final int FORMAT = 2;
    private static final String DURABILITY = "durability";
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("LUN definition", 1, FORMAT);

    /** Format 1's fields: the definition without its durability. */
    private record Format1(String id, String targetIqn, int blockSize, long blockCount, long subUnitBlocks,
                           int copies, String naa, String serial, long createdMillis) {
        LunDefinition with(Durability durability) {
            return new LunDefinition(id, targetIqn, blockSize, blockCount, subUnitBlocks, copies, naa, serial,
                    createdMillis, durability);
        }
    }

    private LunDefinitionCodec() {}

    public static byte[] encode(LunDefinition lun) {
        ObjectNode body = ENVELOPE.bodyOf(new Format1(lun.id(), lun.targetIqn(), lun.blockSize(), lun.blockCount(),
                lun.subUnitBlocks(), lun.copies(), lun.naa(), lun.serial(), lun.createdMillis()));
        if (lun.durability() == Durability.WRITE_BACK) {
            return ENVELOPE.encode(1, body);
        }
        body.put(DURABILITY, lun.durability().wireName());
        return ENVELOPE.encode(FORMAT, body);
    }

    /** @throws IllegalArgumentException if the bytes are not a LUN definition of a known format */
    public static LunDefinition decode(byte[] json) {
        return ENVELOPE.decode(json, (format, body) -> {
            Durability durability = Durability.WRITE_BACK;
            if (format == 2) {
                JsonNode d = body.remove(DURABILITY);
                if (d == null || !d.isTextual()) {
                    throw new IllegalArgumentException("format 2 LUN definition without a durability");
                }
                durability = Durability.of(d.asText());
            }
            return ENVELOPE.bind(body, Format1.class).with(durability);
        });
    }
}
