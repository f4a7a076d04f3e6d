package io.cairn.lun.node;

import io.cairn.coord.lun.LunCatalog;
import io.cairn.coord.lun.LunDefinition;
import io.cairn.replica.ReplicaException;
import io.cairn.replica.SubUnitGeometry;
import io.cairn.replica.SubUnitId;

/** Sub-unit geometry from the LUN catalog. */
public final class CatalogGeometry implements SubUnitGeometry {

    private final LunCatalog catalog;

    public CatalogGeometry(LunCatalog catalog) {
        this.catalog = catalog;
    }

    private LunDefinition lun(SubUnitId id) {
        return catalog.get(id.lunId()).orElseThrow(() ->
                new ReplicaException(ReplicaException.Kind.NOT_HOSTED, "no LUN " + id.lunId()));
    }

    @Override
    public long blockCount(SubUnitId id) {
        LunDefinition lun = lun(id);
        if (id.index() < 0 || id.index() >= lun.subUnitCount()) {
            throw new ReplicaException(ReplicaException.Kind.NOT_HOSTED, "no sub-unit " + id);
        }
        return lun.subUnitBlockCount(id.index());
    }

    @Override
    public int blockSize(SubUnitId id) {
        return lun(id).blockSize();
    }
}
