package io.cairn.scsi;

/** Asymmetric access states of a target port group (SPC-4 5.11.2.4), with their REPORT TARGET PORT GROUPS code. */
public enum AluaState {
    ACTIVE_OPTIMIZED(0x0),
    ACTIVE_NON_OPTIMIZED(0x1),
    STANDBY(0x2),
    UNAVAILABLE(0x3),
    OFFLINE(0xE),
    TRANSITIONING(0xF);

    private final int code;

    AluaState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
