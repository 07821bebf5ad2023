package io.lunpool.scheduler.mesos.client;

/**
 * A call did not reach the master or the master refused it: dropped while not subscribed, invalid offers, a
 * refusal status, a timeout. {@code status} is the HTTP status, 0 when there was no answer.
 */
public final class MesosCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public MesosCallException(String message, int status) {
        super(message);
        this.status = status;
    }

    public MesosCallException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
