package io.cairn.block;

/** A block device could not carry out a request. */
public class BlockDeviceException extends RuntimeException {
    /** What went wrong, so the SCSI layer can pick the right sense. */
    public enum Kind { MEDIUM_ERROR, UNAVAILABLE, WRITE_PROTECTED, SPACE_EXHAUSTED }

    private final Kind kind;

    public BlockDeviceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public BlockDeviceException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
