package io.cairn.replica;

/** Why a store refused or failed a block request; gateways retry the retryable kinds elsewhere or later. */
public class ReplicaException extends RuntimeException {

    public enum Kind {
        /** The request's epoch is older than the sub-unit's current one (a newer primary exists). Retryable. */
        STALE_EPOCH(true),
        /** This node is not (or no longer) the sub-unit's primary. Retryable. */
        NOT_PRIMARY(true),
        /** This node holds no copy of the sub-unit. Retryable (placement may have moved). */
        NOT_HOSTED(true),
        /** The node or a replica it needed could not be reached in time. Retryable. */
        UNAVAILABLE(true),
        /** A replicated block's base version does not match: the replica needs a full copy. */
        OUT_OF_SYNC(false),
        /** The request is malformed (a bug, not a condition). */
        INVALID(false),
        /** The medium failed. */
        MEDIUM_ERROR(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;

    public ReplicaException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ReplicaException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
