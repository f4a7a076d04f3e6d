package io.cairn.coord.placement;

import io.cairn.testkit.coord.PlacementStoreContract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZkPlacementStoreTest extends PlacementStoreContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Override
    protected PlacementStore store() {
        return zk.newCoordination().openPlacementStore();
    }

    @Override
    protected PlacementStore peer() {
        return zk.newCoordination().openPlacementStore();
    }

    @Test
    void storedDocumentIsVersionedJsonAtThePlacementPath() throws Exception {
        Coordination coordination = zk.newCoordination();
        await(coordination.openPlacementStore().update("lun-a", 4, createIfAbsent("lun-a", 4)));
        JsonNode doc = new ObjectMapper().readTree(coordination.curator().getData().forPath("/luns/lun-a/placement/4"));
        assertEquals(1, doc.get("format").asInt());
        assertEquals(4, doc.get("index").asInt());
        assertEquals(1, doc.get("primary").asInt());
        assertEquals(2, doc.get("inSync").size());
    }

    @Test
    void openedStoreIsPrimedAndIgnoresOtherDocumentsUnderTheLun() throws Exception {
        PlacementStore store = store();
        await(store.update("lun-a", 0, createIfAbsent("lun-a", 0)));
        // the LUN catalog and the SCSI context live beside the placements
        Coordination coordination = zk.newCoordination();
        coordination.openScsiContextStore().update("lun-a",
                c -> new io.cairn.coord.scsi.ScsiContextStore.Update<>(c.withAptpl(true), null)).get();
        PlacementStore opened = coordination.openPlacementStore();
        // no waiting: open() returns only once the local copy holds what is stored
        assertEquals(List.of(placed("lun-a", 0)), opened.list("lun-a"));
    }

    @Test
    void unreadablePlacementFailsClosed() throws Exception {
        Coordination coordination = zk.newCoordination();
        PlacementStore store = coordination.openPlacementStore();
        coordination.curator().create().creatingParentsIfNeeded()
                .forPath("/luns/lun-a/placement/0", "{\"format\":99}".getBytes(StandardCharsets.UTF_8));
        Eventually.await("seen", () -> {
            try {
                store.get("lun-a", 0);
                return false;
            } catch (CoordinationUnavailableException expected) {
                return true;
            }
        });
        // an update must not take the unreadable document for "no placement" and start over at epoch 0
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(store.update("lun-a", 0, createIfAbsent("lun-a", 0))));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
    }

    @Test
    void updatesFailAsUnavailableOnceTheClientIsClosed() throws Exception {
        Coordination coordination = new Coordination(zk.settings()).start();
        PlacementStore store = coordination.openPlacementStore();
        await(store.update("lun-a", 0, createIfAbsent("lun-a", 0)));
        coordination.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(store.update("lun-a", 0, PlacementStoreContract::bump)));
        assertEquals(CoordinationUnavailableException.class, e.getCause().getClass());
        ExecutionException d = assertThrows(ExecutionException.class, () -> await(store.delete("lun-a")));
        assertEquals(CoordinationUnavailableException.class, d.getCause().getClass());
        assertEquals(0, peer().get("lun-a", 0).orElseThrow().epoch(), "nothing was written");
    }

    @Test
    void deleteRacingAPeersCreateLeavesNoStaleCopy() throws Exception {
        PlacementStore store = store();
        PlacementStore peer = peer();
        await(peer.update("lun-a", 7, createIfAbsent("lun-a", 7)));
        // store may not have seen index 7 yet; its delete still removes it
        await(store.delete("lun-a"));
        Eventually.await("gone for the peer", () -> peer.get("lun-a", 7).isEmpty());
        Eventually.await("gone here", () -> store.list("lun-a").isEmpty());
        assertNull(await(store.update("lun-a", 7, current -> null)));
    }
}
