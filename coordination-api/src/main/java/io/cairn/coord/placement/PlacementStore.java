package io.cairn.coord.placement;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The placement of every sub-unit, one versioned document per sub-unit in ZooKeeper
 * (/luns/&lt;id&gt;/placement/&lt;index&gt;). Reads come from a watched local copy; changes are
 * compare-and-set.
 */
public interface PlacementStore extends AutoCloseable {

    Optional<SubUnitPlacement> get(String lunId, int index);

    /** Every placed sub-unit of the LUN, by index. */
    List<SubUnitPlacement> list(String lunId);

    /**
     * Applies {@code change} (given the current placement, or null if none) and writes the result by
     * compare-and-set, re-applying on conflict. A null result means no change. Completes with the
     * placement now stored (null if none). Fails with CoordinationUnavailableException when
     * ZooKeeper is unreachable; then nothing was written.
     */
    CompletableFuture<SubUnitPlacement> update(String lunId, int index, UnaryOperator<SubUnitPlacement> change);

    /** Called, on a coordination thread, with each placement written by anyone. */
    void addListener(Consumer<SubUnitPlacement> listener);

    /** Removes every placement of a LUN. */
    CompletableFuture<Void> delete(String lunId);

    @Override
    void close();
}
