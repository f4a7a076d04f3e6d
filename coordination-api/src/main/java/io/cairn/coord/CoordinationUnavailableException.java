package io.cairn.coord;

/** ZooKeeper could not be reached or the session was lost; the operation did not take effect. */
public class CoordinationUnavailableException extends RuntimeException {
    public CoordinationUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
