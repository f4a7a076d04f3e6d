package io.cairn.coord.lun;

import io.cairn.testkit.coord.LunCatalogContract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.client.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.testkit.Eventually;
import io.cairn.coord.ZooKeeperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZkLunCatalogTest extends LunCatalogContract {

    @RegisterExtension
    static final ZooKeeperFixture zk = new ZooKeeperFixture();

    @Override
    protected LunCatalog catalog() {
        return zk.newCoordination().openLunCatalog();
    }

    @Override
    protected LunCatalog peer() {
        return zk.newCoordination().openLunCatalog();
    }

    @Test
    void storedDocumentCarriesTheFormatVersion() throws Exception {
        Coordination coordination = zk.newCoordination();
        coordination.openLunCatalog().create(lun("a", 4096));
        JsonNode stored = new ObjectMapper().readTree(coordination.curator().getData().forPath("/luns/a/definition"));
        assertEquals(1, stored.get("format").asInt());
        assertEquals(4096, stored.get("blockCount").asLong());
    }

    @Test
    void openedCatalogIsPrimedWithExistingLuns() throws Exception {
        catalog().create(lun("a", 1));
        catalog().create(lun("b", 2));
        // no waiting: open() returns only once the cache holds what is stored
        assertEquals(List.of("a", "b"), peer().list().stream().map(LunDefinition::id).toList());
    }

    @Test
    void definitionsSurviveAServerRestart() throws Exception {
        Coordination first = zk.newCoordination();
        LunCatalog catalog = first.openLunCatalog();
        catalog.create(lun("kept", 4096));
        zk.restartServer();
        assertEquals(Optional.of(lun("kept", 4096)), peer().get("kept"));
        Eventually.await("first client reconnected", first::isConnected);
        catalog.update(lun("kept", 8192));
        assertEquals(8192, catalog.get("kept").orElseThrow().blockCount());
    }

    @Test
    void writesFailAsUnavailableWhileZooKeeperIsDown() {
        Coordination coordination = zk.newCoordination();
        LunCatalog catalog = coordination.openLunCatalog();
        zk.stopServer();
        try {
            assertThrows(CoordinationUnavailableException.class, () -> catalog.create(lun("a", 1)));
        } finally {
            zk.startServer();
        }
        Eventually.await("reconnected", coordination::isConnected);
    }
}
