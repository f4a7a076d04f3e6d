package io.cairn.scsi;

import java.util.List;
import java.util.Optional;

/** Which logical units a SCSI target presents, by LUN number. Implementations are thread-safe and cheap. */
public interface LunDirectory {

    Optional<LogicalUnit> find(String targetName, long lun);

    /** LUN numbers of the target, ascending; empty for an unknown target. */
    List<Long> luns(String targetName);
}
