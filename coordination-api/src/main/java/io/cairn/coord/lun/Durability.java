package io.cairn.coord.lun;

/**
 * When a LUN acknowledges a write as done (architecture.md "Durability").
 */
public enum Durability {
    /**
     * Acknowledged once in the page cache and the operation log of every local copy: survives a
     * crash of the process, not of the machine, until a FUA write or a flush (SYNCHRONIZE CACHE)
     * makes it durable. The LUN reports a volatile write cache (WCE=1, SBC-4 6.5.5), which the
     * host may turn off, and then gets this LUN's durable behaviour.
     */
    WRITE_BACK("write-back"),
    /**
     * Every acknowledgement is durable (every write is handled as FUA); the LUN reports no
     * volatile write cache (WCE=0, not changeable). Group commit keeps concurrent writes cheap.
     */
    DURABLE("durable");

    private final String wireName;

    Durability(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the command line, in `lun status` and in stored documents. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for any name but the two above */
    public static Durability of(String name) {
        for (Durability d : values()) {
            if (d.wireName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("durability must be write-back or durable, not '" + name + "'");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
