package io.cairn.coord.lun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.coord.znode.DocumentEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a {@link LunDefinition}: one document per LUN in the
 * {@link DocumentEnvelope}, with the format versions this class owns. Format 1 is the record's
 * components by name, without {@code durability} and {@code sites} (a format-1 LUN is write-back,
 * with no recorded site); format 2 adds {@code "durability": "durable"} or {@code "write-back"};
 * format 3 adds {@code "sites"}, an object with {@code "site"} (the local site), optional
 * {@code "drSites"} (a list of site names; absent: every other site) and {@code "dropLocalCopy"}
 * (a boolean), and always has a durability. Each LUN is written in the oldest format that holds
 * it (a LUN without a recorded site as format 1 or 2), so processes that know only an older
 * format keep reading what it can hold. A reader refuses formats it does not know and fields it
 * does not know (a new field is a new format), so an old process never rewrites a document it
 * half understood.
 */
public final class LunDefinitionCodec {

    public static final int FORMAT = 3;
    private static final String DURABILITY = "durability";
    private static final String SITES = "sites";
    private static final String SITE = "site";
    private static final String DR_SITES = "drSites";
    private static final String DROP_LOCAL_COPY = "dropLocalCopy";
    private static final DocumentEnvelope ENVELOPE = new DocumentEnvelope("LUN definition", 1, 2, FORMAT);

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
        SitePolicy sites = lun.sites();
        if (sites.site().isEmpty()) {
            if (lun.durability() == Durability.WRITE_BACK) {
                return ENVELOPE.encode(1, body);
            }
            body.put(DURABILITY, lun.durability().wireName());
            return ENVELOPE.encode(2, body);
        }
        body.put(DURABILITY, lun.durability().wireName());
        ObjectNode s = body.putObject(SITES);
        s.put(SITE, sites.site().get());
        sites.drSites().ifPresent(list -> {
            ArrayNode dr = s.putArray(DR_SITES);
            list.forEach(dr::add);
        });
        s.put(DROP_LOCAL_COPY, sites.dropLocalCopy());
        return ENVELOPE.encode(3, body);
    }

    /** @throws IllegalArgumentException if the bytes are not a LUN definition of a known format */
    public static LunDefinition decode(byte[] json) {
        return ENVELOPE.decode(json, (format, body) -> {
            Durability durability = Durability.WRITE_BACK;
            if (format >= 2) {
                JsonNode d = body.remove(DURABILITY);
                if (d == null || !d.isTextual()) {
                    throw new IllegalArgumentException("format " + format + " LUN definition without a durability");
                }
                durability = Durability.of(d.asText());
            }
            SitePolicy sites = format >= 3 ? sites(body.remove(SITES)) : SitePolicy.UNRECORDED;
            return ENVELOPE.bind(body, Format1.class).with(durability).withSites(sites);
        });
    }

    private static SitePolicy sites(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("format 3 LUN definition without a sites object");
        }
        ObjectNode s = ((ObjectNode) node).deepCopy();
        JsonNode site = s.remove(SITE);
        JsonNode dr = s.remove(DR_SITES);
        JsonNode drop = s.remove(DROP_LOCAL_COPY);
        if (site == null || !site.isTextual()) {
            throw new IllegalArgumentException("LUN definition's sites without a site name");
        }
        if (drop == null || !drop.isBoolean()) {
            throw new IllegalArgumentException("LUN definition's sites without dropLocalCopy true or false");
        }
        if (s.size() > 0) {
            throw new IllegalArgumentException("unknown field in LUN definition's sites: " + s.fieldNames().next());
        }
        Optional<List<String>> drSites = Optional.empty();
        if (dr != null) {
            if (!dr.isArray()) {
                throw new IllegalArgumentException("LUN definition's drSites is not a list");
            }
            List<String> names = new ArrayList<>();
            for (JsonNode n : dr) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("LUN definition's drSites holds a non-name: " + n);
                }
                names.add(n.asText());
            }
            drSites = Optional.of(names);
        }
        return new SitePolicy(Optional.of(site.asText()), drSites, drop.asBoolean());
    }
}
