package io.cairn.lun;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Identity of a new LUN: its NAA-6 designator and unit serial number (SPC-4 7.8.6.6, 7.8.7), made
 * once at creation and stored in the catalog, so every gateway and every restart reports the same.
 *
 * <p>NAA 6 (IEEE Registered Extended) is 4 bits of NAA, a 24-bit IEEE company id and 100 bits the
 * vendor assigns. The company id is configuration: an operator with an IEEE OUI sets theirs.
 */
public final class LunIdentity {

    /** Default company id when none is configured. Configure a registered OUI for production. */
    public static final String DEFAULT_COMPANY_ID = "5ca1ab";

    private final String companyId;
    private final SecureRandom random;

    public LunIdentity(String companyId, SecureRandom random) {
        if (!companyId.matches("[0-9a-f]{6}")) {
            throw new IllegalArgumentException("company id must be 6 lower-case hex digits: " + companyId);
        }
        this.companyId = companyId;
        this.random = random;
    }

    /** A new NAA-6 designator: 32 lower-case hex digits starting with 6. */
    public String newNaa() {
        byte[] vendor = new byte[13];
        random.nextBytes(vendor);
        String hex = HexFormat.of().formatHex(vendor); // 26 digits; 25 are used
        return "6" + companyId + hex.substring(0, 25);
    }

    /** A unit serial number derived from the designator: unique per LUN, printable ASCII (SPC-4 7.8.15). */
    public static String serialFor(String naa) {
        return "CAIRN" + naa.substring(7, 27);
    }
}
