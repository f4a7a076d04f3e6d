package io.cairn.coord.lun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.coord.Coordination;
import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.Eventually;
import io.cairn.coord.testing.ZooKeeperHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZkLunCatalogTest extends LunCatalogContract {

    private static ZooKeeperHarness zk;
    private static final AtomicInteger tests = new AtomicInteger();
    private String namespace;

    @BeforeAll
    static void startServer() {
        zk = ZooKeeperHarness.start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "lun-catalog-test-" + tests.incrementAndGet();
    }

    @Override
    protected LunCatalog catalog() {
        return zk.newCoordination(namespace).openLunCatalog();
    }

    @Override
    protected LunCatalog peer() {
        return zk.newCoordination(namespace).openLunCatalog();
    }

    @Test
    void storedDocumentCarriesTheFormatVersion() throws Exception {
        Coordination coordination = zk.newCoordination(namespace);
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
        Coordination first = zk.newCoordination(namespace);
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
        Coordination coordination = zk.newCoordination(namespace);
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
