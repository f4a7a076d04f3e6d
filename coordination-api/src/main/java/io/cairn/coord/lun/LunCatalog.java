package io.cairn.coord.lun;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The LUN catalog: every LUN definition, kept in ZooKeeper (reads are served from a watched cache). */
public interface LunCatalog {

    Optional<LunDefinition> get(String id);

    List<LunDefinition> list();

    /** Creates a LUN. @throws LunExistsException if the id is taken */
    LunDefinition create(LunDefinition lun) throws LunExistsException;

    /** Replaces a LUN's definition (e.g. a resize); the id must exist. */
    LunDefinition update(LunDefinition lun) throws NoSuchLunException;

    void delete(String id) throws NoSuchLunException;

    /** Called with a LUN's id whenever it is created, changed or deleted. */
    void addListener(Consumer<String> changedLunId);

    final class LunExistsException extends Exception {
        public LunExistsException(String id) {
            super("LUN already exists: " + id);
        }
    }

    final class NoSuchLunException extends Exception {
        public NoSuchLunException(String id) {
            super("no such LUN: " + id);
        }
    }
}
