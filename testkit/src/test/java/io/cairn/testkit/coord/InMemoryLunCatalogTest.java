package io.cairn.testkit.coord;

import io.cairn.coord.CoordinationUnavailableException;
import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

class InMemoryLunCatalogTest extends LunCatalogContract {

    private InMemoryLunCatalog catalog;

    @BeforeEach
    void fresh() {
        catalog = new InMemoryLunCatalog();
    }

    @Override
    protected LunCatalog catalog() {
        return catalog;
    }

    @Override
    protected LunCatalog peer() {
        return catalog;
    }

    @Test
    void unreachableCatalogRefusesWrites() {
        catalog.setReachable(false);
        LunDefinition a = new LunDefinition("a", "iqn.x", 512, 1, 1, 1, "6" + "0".repeat(31), "s", 0);
        assertThrows(CoordinationUnavailableException.class, () -> catalog.create(a));
    }
}
