package io.lunpool.scheduler.store;

/**
 * A transaction was refused as a whole. {@link #index()} is the op that caused it (or -1 when the store
 * cannot tell, as on a lost connection), so a caller can drop that op and retry the others.
 */
public final class CommitFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Why. CONNECTION means the outcome is unknown (the transaction may have been applied before the
     * connection dropped): re-read before retrying. OTHER covers refused input (a bad key, a null value, a
     * transaction over the size limit) and unexpected ZooKeeper errors.
     */
    public enum Cause { NODE_EXISTS, NO_NODE, BAD_VERSION, FENCED, CONNECTION, OTHER }

    private final int index;
    private final Cause cause;

    public CommitFailedException(int index, Cause cause, String message, Throwable source) {
        super(message, source);
        this.index = index;
        this.cause = cause;
    }

    public int index() {
        return index;
    }

    public Cause failure() {
        return cause;
    }
}
