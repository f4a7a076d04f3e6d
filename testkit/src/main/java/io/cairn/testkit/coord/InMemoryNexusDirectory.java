package io.cairn.testkit.coord;

import io.cairn.coord.scsi.NexusDirectory;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link NexusDirectory} in this process, for other modules' tests: one instance is the cluster,
 * {@link #gateway} a gateway's view of it; closing a view withdraws that gateway's nexuses.
 * Changes are visible to every view at once.
 */
public final class InMemoryNexusDirectory {

    /** Per gateway, per LUN, its nexuses. */
    private final Map<String, Map<String, Set<String>>> nexuses = new ConcurrentHashMap<>();

    /** The directory as gateway {@code gatewayId} uses it. */
    public NexusDirectory gateway(String gatewayId) {
        Objects.requireNonNull(gatewayId, "gatewayId");
        return new NexusDirectory() {
            @Override
            public void add(String lunId, String nexus) {
                nexuses.computeIfAbsent(gatewayId, id -> new ConcurrentHashMap<>())
                        .computeIfAbsent(lunId, id -> ConcurrentHashMap.newKeySet()).add(Objects.requireNonNull(nexus));
            }

            @Override
            public void remove(String lunId, String nexus) {
                Set<String> set = nexuses.getOrDefault(gatewayId, Map.of()).get(lunId);
                if (set != null) set.remove(nexus);
            }

            @Override
            public Set<String> nexuses(String lunId) {
                return InMemoryNexusDirectory.this.nexuses(lunId);
            }

            @Override
            public void close() {
                nexuses.remove(gatewayId);
            }
        };
    }

    /** The union over every gateway. */
    public Set<String> nexuses(String lunId) {
        Set<String> union = new TreeSet<>();
        nexuses.values().forEach(byLun -> union.addAll(byLun.getOrDefault(lunId, Set.of())));
        return union;
    }
}
