package io.lunpool.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one unchecked exception of lunpool. The message names the operation, the object and, where
 * there is one, the remedy; {@link #toString()} renders {@code REASON: message} as the plugin protocol shows it.
 */
public final class LunpoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    public LunpoolException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public LunpoolException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }

    public static LunpoolException invalid(String message) {
        return new LunpoolException(Reason.INVALID, message);
    }

    public static LunpoolException notFound(String message) {
        return new LunpoolException(Reason.NOT_FOUND, message);
    }

    public static LunpoolException conflict(String message) {
        return new LunpoolException(Reason.CONFLICT, message);
    }

    public static LunpoolException transientError(String message, Throwable cause) {
        return new LunpoolException(Reason.TRANSIENT, message, cause);
    }

    /** The call's result, or empty when the call fails NOT_FOUND; any other failure is thrown on. */
    public static <T> Optional<T> emptyIfNotFound(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (LunpoolException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Runs the call; a NOT_FOUND failure counts as done, since what the call would act on is gone already. */
    public static void ignoreNotFound(Runnable call) {
        emptyIfNotFound(() -> {
            call.run();
            return Boolean.TRUE;
        });
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
