package io.cairn.iscsi.login;

/** RFC 7143 13.21 SessionType. */
public enum SessionType {
    NORMAL("Normal"),
    DISCOVERY("Discovery");

    private final String wireName;

    SessionType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type for a SessionType value, or null when the value names none. */
    public static SessionType fromWire(String value) {
        for (SessionType t : values()) {
            if (t.wireName.equals(value)) {
                return t;
            }
        }
        return null;
    }
}
