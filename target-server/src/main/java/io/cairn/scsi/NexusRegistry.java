package io.cairn.scsi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The I_T nexuses this gateway serves, per target, and the per-nexus PREVENT ALLOW MEDIUM REMOVAL
 * state per logical unit (SBC-4 5.11: held per I_T nexus, cleared by nexus loss and resets). Neither
 * leaves this process: a nexus lives on one gateway.
 */
public final class NexusRegistry {

    private final Map<String, Map<String, ItNexus>> byTarget = new ConcurrentHashMap<>();
    /** lunId -> nexus keys that hold PREVENT = 01b. */
    private final Map<String, Set<String>> preventing = new ConcurrentHashMap<>();

    /** Records the nexus; true if it was not known before. */
    public boolean add(String targetName, ItNexus nexus) {
        return byTarget.computeIfAbsent(targetName, t -> new ConcurrentHashMap<>()).put(nexus.key(), nexus) == null;
    }

    public void remove(String targetName, ItNexus nexus) {
        Map<String, ItNexus> m = byTarget.get(targetName);
        if (m != null) {
            m.remove(nexus.key());
        }
        preventing.values().forEach(s -> s.remove(nexus.key()));
    }

    /** Nexuses of the target, in no particular order. */
    public List<ItNexus> of(String targetName) {
        Map<String, ItNexus> m = byTarget.get(targetName);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    public Set<String> targets() {
        return Set.copyOf(byTarget.keySet());
    }

    public void prevent(String lunId, String nexusKey, boolean prevent) {
        Set<String> s = preventing.computeIfAbsent(lunId, l -> ConcurrentHashMap.newKeySet());
        if (prevent) {
            s.add(nexusKey);
        } else {
            s.remove(nexusKey);
        }
    }

    /** SBC-4 5.11: medium removal is prevented while any nexus holds PREVENT. */
    public boolean removalPrevented(String lunId) {
        Set<String> s = preventing.get(lunId);
        return s != null && !s.isEmpty();
    }

    /** A logical unit reset clears every nexus's PREVENT (SBC-4 5.11). */
    public void clearPrevent(String lunId) {
        preventing.remove(lunId);
    }
}
