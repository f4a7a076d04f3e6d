package io.cairn.scsi;

import io.cairn.coord.scsi.NexusDirectory;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The SCSI core's view of every gateway's nexuses, over coordination's nexus directory. */
public final class DirectoryNexuses implements SharedNexuses {

    private final NexusDirectory directory;
    private final Map<String, Set<String>> published = new ConcurrentHashMap<>();

    public DirectoryNexuses(NexusDirectory directory) {
        this.directory = directory;
    }

    @Override
    public synchronized void publish(String lunId, Set<String> nexusKeys) {
        Set<String> before = published.getOrDefault(lunId, Set.of());
        for (String k : before) {
            if (!nexusKeys.contains(k)) {
                directory.remove(lunId, k);
            }
        }
        for (String k : nexusKeys) {
            if (!before.contains(k)) {
                directory.add(lunId, k);
            }
        }
        published.put(lunId, new HashSet<>(nexusKeys));
    }

    @Override
    public Set<String> of(String lunId) {
        return directory.nexuses(lunId);
    }
}
