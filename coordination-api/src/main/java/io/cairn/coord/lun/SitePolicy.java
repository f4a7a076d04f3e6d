package io.cairn.coord.lun;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a LUN's copies live (architecture.md "Sites"): the site whose store nodes hold its local
 * copies, the ones written before a write is acknowledged (the LUN's {@code copies}); the sites
 * that hold its disaster-recovery copies; and whether the second local copy of a block is dropped
 * once every DR copy holds that block's version durably ("three locations at last").
 *
 * @param site          the local site; empty only for a LUN defined before sites were part of its
 *                      definition (catalog formats 1 and 2), for which the control plane picks the
 *                      site as it did then (the gateway's {@code --site}, else the site most store
 *                      nodes are in)
 * @param drSites       the DR sites, by name; empty for every other site that has store nodes
 * @param dropLocalCopy whether the second local copy is dropped once the DR copies hold a block
 *                      (default: kept, so a local node failure never needs another site)
 */
public record SitePolicy(Optional<String> site, Optional<List<String>> drSites, boolean dropLocalCopy) {

    /** A LUN defined before sites were part of its definition: every default, no site recorded. */
    public static final SitePolicy UNRECORDED = new SitePolicy(Optional.empty(), Optional.empty(), false);

    public SitePolicy {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(drSites, "drSites");
        site.ifPresent(SitePolicy::checkName);
        if (drSites.isPresent()) {
            List<String> named = List.copyOf(drSites.get());
            Set<String> seen = new HashSet<>();
            for (String s : named) {
                checkName(s);
                if (!seen.add(s)) {
                    throw new IllegalArgumentException("DR site '" + s + "' is named twice");
                }
                if (site.isPresent() && site.get().equals(s)) {
                    throw new IllegalArgumentException("DR site '" + s + "' is the LUN's own site");
                }
            }
            drSites = Optional.of(named);
        }
        if (dropLocalCopy && drSites.isPresent() && drSites.get().isEmpty()) {
            throw new IllegalArgumentException("the second local copy can be dropped only for a LUN with DR sites");
        }
    }

    /** Local copies in {@code site}, DR copies in every other site, the second local copy kept. */
    public static SitePolicy in(String site) {
        return new SitePolicy(Optional.of(site), Optional.empty(), false);
    }

    public SitePolicy withDrSites(List<String> sites) {
        return new SitePolicy(site, Optional.of(sites), dropLocalCopy);
    }

    public SitePolicy withDropLocalCopy(boolean value) {
        return new SitePolicy(site, drSites, value);
    }

    /**
     * The DR sites among {@code knownSites} (the sites of the known store nodes): the named ones,
     * whether they have nodes yet or not, or every known site but the local one, sorted.
     */
    public List<String> drSitesAmong(Collection<String> knownSites, String localSite) {
        if (drSites.isPresent()) {
            return drSites.get();
        }
        List<String> others = new ArrayList<>(new HashSet<>(knownSites));
        others.remove(localSite);
        others.sort(null);
        return List.copyOf(others);
    }

    /**
     * Site names as stores announce them and LUNs record them: 1-63 characters of lower-case
     * letters, digits, '.', '_' and '-', starting with a letter or digit.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static String checkName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("a site name must match [a-z0-9][a-z0-9._-]{0,62}, not '" + name + "'");
        }
        return name;
    }
}
