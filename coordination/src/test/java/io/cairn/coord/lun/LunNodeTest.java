package io.cairn.coord.lun;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Pins where each store keeps a LUN's state: other processes, and older releases, read these paths. */
class LunNodeTest {

    @Test
    void everyKindOfStateLivesUnderTheLun() {
        assertEquals("/luns/db-01", LunNode.lunPath("db-01"));
        assertEquals("/luns/db-01/definition", LunNode.DEFINITION.path("db-01"));
        assertEquals("/luns/db-01/scsi-context", LunNode.SCSI_CONTEXT.path("db-01"));
        assertEquals("/luns/db-01/placement/7", LunNode.PLACEMENT.path("db-01", "7"));
        assertEquals("/luns/db-01/applied/gw-a", LunNode.APPLIED.path("db-01", "gw-a"));
        assertEquals("/luns/db-01/nexuses/gw-a", LunNode.NEXUSES.path("db-01", "gw-a"));
        assertEquals("/luns/db-01/resync/7-3", LunNode.RESYNC.path("db-01", "7-3"));
    }

    @Test
    void aPathIsReadBackOnlyAsWhatItIs() {
        assertEquals("db-01", LunNode.DEFINITION.lunOf("/luns/db-01/definition"));
        assertNull(LunNode.DEFINITION.lunOf("/luns/db-01/scsi-context"));
        assertNull(LunNode.DEFINITION.lunOf("/luns/db-01/definition/x"), "a document has no members");
        assertNull(LunNode.DEFINITION.lunOf("/luns//definition"));
        assertNull(LunNode.DEFINITION.lunOf("/nodes/db-01/definition"));
        assertEquals(new LunNode.Member("db-01", "7"), LunNode.PLACEMENT.memberOf("/luns/db-01/placement/7"));
        assertEquals("db-01/gw-a", LunNode.NEXUSES.memberOf("/luns/db-01/nexuses/gw-a").key());
        assertNull(LunNode.PLACEMENT.memberOf("/luns/db-01/placement"), "the family's parent is no member");
        assertNull(LunNode.PLACEMENT.memberOf("/luns/db-01/placement/"));
        assertNull(LunNode.PLACEMENT.memberOf("/luns/db-01/placement/7/x"));
        assertNull(LunNode.APPLIED.memberOf("/luns/db-01/nexuses/gw-a"));
    }
}
