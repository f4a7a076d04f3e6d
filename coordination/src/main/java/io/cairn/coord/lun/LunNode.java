package io.cairn.coord.lun;

import java.util.Objects;

/**
 * The layout of a LUN's state in ZooKeeper: everything stored of LUN {@code <id>} lives under
 * {@code /luns/<id>}, so deleting the LUN ({@link ZkLunCatalog#delete}) deletes all of it, and each
 * store keeps its part there under a name of its own. A new kind of per-LUN state is one row.
 *
 * <p>A store keeps either one document per LUN, {@code /luns/<id>/<name>} ({@link #path(String)},
 * {@link #lunOf}), or a family of nodes, {@code /luns/<id>/<name>/<member>}
 * ({@link #path(String, String)}, {@link #memberOf}). Ids and members never contain {@code /}.
 */
public enum LunNode {

    /** The LUN's definition (ZkLunCatalog): a document. */
    DEFINITION("definition"),
    /** Its SCSI context (ZkScsiContextStore): a document. */
    SCSI_CONTEXT("scsi-context"),
    /** Its sub-units' placements (ZkPlacementStore): one member per sub-unit index. */
    PLACEMENT("placement"),
    /** The context version each gateway applied (ZkGatewayAcks): one ephemeral member per gateway. */
    APPLIED("applied"),
    /** The I_T nexuses each gateway serves (ZkNexusDirectory): one ephemeral member per gateway. */
    NEXUSES("nexuses"),
    /** Resync reports (ZkResyncReports): one member per sub-unit index and replica. */
    RESYNC("resync");

    /** The parent of every LUN's subtree. */
    public static final String LUNS = "/luns";
    private static final String PREFIX = LUNS + "/";

    /** A member of a family: its LUN and its own name. */
    public record Member(String lunId, String name) {
        /** {@code <lunId>/<name>}: how a store keys a member in its watched copy. */
        public String key() {
            return lunId + "/" + name;
        }
    }

    private final String name;

    LunNode(String name) {
        this.name = name;
    }

    /** {@code /luns/<lunId>}: the whole of the LUN's state. */
    public static String lunPath(String lunId) {
        return PREFIX + Objects.requireNonNull(lunId, "lunId");
    }

    /** {@code /luns/<lunId>/<name>}: the document, or the parent of the family. */
    public String path(String lunId) {
        return lunPath(lunId) + "/" + name;
    }

    /** {@code /luns/<lunId>/<name>/<member>}. */
    public String path(String lunId, String member) {
        return path(lunId) + "/" + member;
    }

    /** The LUN whose document {@code path} is, or null if it is not one of these documents. */
    public String lunOf(String path) {
        String[] parts = parts(path);
        return parts != null && parts.length == 2 ? parts[0] : null;
    }

    /** The member {@code path} is, or null if it is not a member of this family. */
    public Member memberOf(String path) {
        String[] parts = parts(path);
        return parts != null && parts.length == 3 ? new Member(parts[0], parts[2]) : null;
    }

    /** The segments after {@code /luns/} if the second is this name and none is empty, else null. */
    private String[] parts(String path) {
        if (!path.startsWith(PREFIX)) return null;
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length < 2 || !parts[1].equals(name)) return null;
        for (String part : parts) {
            if (part.isEmpty()) return null;
        }
        return parts;
    }
}
